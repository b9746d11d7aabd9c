// The validated configuration (spec §3): what every other part of farmgate reads.
// Produced only by config::load (loader.h), so every field here has passed validation and
// carries its default; consumers never re-check.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/clock.h"
#include "config/diagnostic.h"

namespace farmgate::config {

enum class Table { holding, input, coil, discrete };
enum class ValueType { boolean, int16, uint16, int32, uint32, int64, uint64, float32, float64 };
// Order of the bytes of a multi-register value, A = most significant byte.
// ABCD big-endian (Modbus default), CDAB word-swapped, BADC byte-swapped, DCBA little-endian.
enum class ByteOrder { ABCD, CDAB, BADC, DCBA };

const char* to_string(Table t);
const char* to_string(ValueType t);
const char* to_string(ByteOrder o);
int register_count(ValueType t);  // registers one value spans (bool and 16-bit: 1)
bool is_bit_table(Table t);       // coil, discrete

struct Point {
  std::string name;    // "do"
  std::string id;      // "pond1_do.do"
  Table table = Table::holding;
  std::uint16_t address = 0;
  ValueType type = ValueType::uint16;  // bit tables: always boolean
  ByteOrder order = ByteOrder::ABCD;
  double scale = 1;
  double offset = 0;
  std::string unit;
  std::optional<double> valid_min, valid_max;
  bool writable = false;
  // Decimals a value is written with (spec §8); unset: what scale and offset resolve
  // (uplink/resolution.h).
  std::optional<int> precision;
  // Report by exception (spec §8): unset, every reading is sent; set, a reading within
  // deadband (in the point's unit) of the last one sent, of the same quality and less than
  // report_every after it, is kept but not sent (uplink/exception_filter.h).
  std::optional<double> deadband;
  Duration report_every{10LL * 60 * 1000};
  SourcePos pos;
};

struct Device {
  std::string name;
  std::string bus;
  int unit = 1;                   // 1..255 (248..255 warned by check)
  Duration poll{10000};
  Duration stale_after{30000};    // default 3 x poll
  int max_registers = 125;        // longest register read the device serves (bits: 2000)
  int max_gap = 0;                // registers that may be read across to join two reads
  std::string profile;            // empty: none
  std::vector<Point> points;
  SourcePos pos;
};

struct RtuSettings {
  std::string device;             // /dev/ttyUSB0
  int baud = 9600;
  char parity = 'N';              // N E O
  int data_bits = 8;
  int stop_bits = 1;
  bool rs485 = false;             // ask the kernel for RS-485 mode (fails harmlessly on a pty)
};

struct TcpSettings {
  std::string host;
  int port = 502;
};

struct Bus {
  std::string name;
  std::variant<RtuSettings, TcpSettings> link;
  Duration timeout{500};          // response timeout
  Duration gap{0};                // silence between transactions; RTU: at least 3.5 characters
  int retries = 1;                // extra attempts of a failed transaction
  SourcePos pos;

  bool is_rtu() const { return std::holds_alternative<RtuSettings>(link); }
};

struct Gateway {
  std::string id;
  std::string site;
  std::string timezone;           // empty: the system's
};

struct Storage {
  std::string path = "/var/lib/farmgate/buffer.db";
  std::uint64_t max_size = 256ull << 20;
  Duration commit_interval{1000};
  Duration keep_sent{7LL * 24 * 3600 * 1000};
};

// How telemetry batches travel (spec §8, farmgate profile): plain JSON on `telemetry`, or a
// zstd frame of the same JSON on `telemetry/zstd` (uplink/compression.h).
enum class Compression { none, zstd };

// How messages are shaped for the platform (spec §8; uplink/profile.h).
enum class UplinkProfile { farmgate, thingsboard, sparkplug };
const char* to_string(UplinkProfile p);

struct Uplink {
  UplinkProfile profile = UplinkProfile::farmgate;
  // mqtt://host:port or mqtts://host:port; several: a cluster's nodes, tried in turn (one
  // scheme, one set of credentials). Never empty in a loaded config.
  std::vector<std::string> urls;
  std::string client_id;          // default gateway.id
  std::string username;
  std::string password_file;
  std::string ca_file, cert_file, key_file;
  std::string topic_prefix = "farmgate";
  int max_batch = 500;
  Duration publish_interval{1000};
  Duration status_interval{60000};
  Duration ack_timeout{30000};    // a PUBACK overdue by more: reconnect (spec §7)
  bool allow_insecure = false;
  Compression compress = Compression::none;
  // profile sparkplug (spec §8): the Sparkplug group id (required there), and how long a
  // DCMD write holds its point (a `set` with this hold).
  std::string group;
  Duration command_hold{30 * 60 * 1000};
  SourcePos pos;
};

// `http:` (spec §9): the on-site page. Absent: no page (`farmgate status` still works over
// the state folder's unix socket, see http/server.h).
struct Http {
  std::string host = "0.0.0.0";   // an IP literal (v4 or v6)
  int port = 8080;                // 0: any free port (tests)
  std::string password_file;      // empty: the page stays read-only (no login)
  SourcePos pos;
};

struct Config {
  std::string path;               // the main file, as given
  Gateway gateway;
  std::vector<std::string> rule_files;   // `rules:` globs expanded, in load order
  std::vector<std::string> profile_dirs; // configured folders, then the shipped ones
  Storage storage;
  std::optional<Uplink> uplink;
  std::optional<Http> http;
  std::vector<Bus> buses;
  std::vector<Device> devices;

  const Bus* find_bus(const std::string& name) const;
  const Device* find_device(const std::string& name) const;
  // "DEVICE.POINT" -> the point and its device; nullptr when there is none.
  const Point* find_point(const std::string& id, const Device** device = nullptr) const;
};

}  // namespace farmgate::config
