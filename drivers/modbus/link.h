// A thin wrapper of libmodbus for one bus (RTU or TCP). Not thread-safe: exactly one thread
// (the bus's owner, or a one-shot CLI command) uses a Link.
//
// - Opens lazily and reopens after the link broke: a TCP connection that was reset or
//   refused is reconnected at the next transaction (also after 3 timeouts in a row, since a
//   half-open connection only shows as silence); a serial adapter that vanished (EIO, the
//   device path gone) is closed and reopened once its path exists again.
// - RTU: RS-485 mode is requested when the bus asks for it; its failure (ENOTTY on a pty, or a
//   driver that switches direction itself) is logged once and tolerated.
// - Keeps the bus's `gap` of silence between the end of one transaction and the start of the
//   next (libmodbus does not); on RTU at least 3.5 character times (1.75 ms above 19200 baud).
// - Modbus TCP: a reply is data only if it answers the request in flight (spec §7). The Link
//   frames TCP itself (pdu.h says why): each request gets its own transaction id; a reply
//   with an earlier id (a late answer to a request that timed out) is skipped while waiting;
//   one with another unit id, function or length is a `protocol` error, never decoded; bytes
//   left in the socket before a request or after a reply (late replies, junk) are discarded;
//   a header that is not Modbus TCP framing, or a frame cut by the timeout (a `protocol`
//   error "unit 5: truncated reply (3 bytes)", not silence), closes the connection (reopened
//   at the next transaction) since the byte stream lost its frames.
// - RTU: libmodbus checks the reply's unit id (another unit's reply is a `protocol` error),
//   CRC and length; after a timeout or a bad reply the input is flushed.
// - Serial ports are held exclusively while open (spec §7): a flock on the open device (so
//   another farmgate sees the holder's pid, common/file_lock.h) and TIOCEXCL (other programs'
//   open() fails with EBUSY unless root). A port held elsewhere fails to open with a `link`
//   error starting "busy: ".
// - Errors are values: kind + text ("timeout: no reply from unit 3", "illegal data address
//   (exception 2)", "bad CRC", "connect 127.0.0.1:1502: connection refused").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/config.h"

typedef struct _modbus modbus_t;

namespace farmgate::modbus {

enum class LinkError {
  none,
  timeout,    // no reply within the bus's timeout
  exception,  // the device replied with a Modbus exception (it is present)
  protocol,   // a reply came but was unusable: bad CRC, wrong length, other unit
  link,       // cannot open, or the connection/adapter broke (closed; reopened next time)
  invalid,    // the request itself is impossible (write to an input table, bad count)
};

const char* to_string(LinkError e);

struct LinkResult {
  LinkError kind = LinkError::none;
  std::string error;                  // text when kind != none
  int exception_code = 0;             // Modbus exception code when kind == exception
  std::vector<std::uint16_t> values;  // read: registers, or bits as 0/1
  bool ok() const { return kind == LinkError::none; }
  bool replied() const { return kind == LinkError::none || kind == LinkError::exception; }
};

class Link {
 public:
  explicit Link(config::Bus bus);
  ~Link();
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  // Opens when not open; returns false and fills `error` when it cannot.
  bool open(std::string* error = nullptr);
  void close();
  bool is_open() const { return connected_; }

  // FC01 coil, FC02 discrete, FC03 holding, FC04 input; opens the link when needed.
  LinkResult read(int unit, config::Table table, std::uint16_t address, std::uint16_t count);
  // Coil: FC05 for one value, FC15 for more; holding: FC06 for one, FC16 for more.
  LinkResult write(int unit, config::Table table, std::uint16_t address,
                   const std::vector<std::uint16_t>& values);

  const config::Bus& bus() const { return bus_; }
  std::chrono::microseconds gap() const { return gap_; }  // the silence actually kept

 private:
  template <typename F>
  LinkResult transact(int unit, F&& call);
  LinkResult tcp_transact(int unit, const std::vector<std::uint8_t>& request);
  LinkResult tcp_broken(const std::string& why);
  void abort();  // TCP: close with a reset
  LinkResult failure(int unit, int err);
  void keep_gap();

  config::Bus bus_;
  modbus_t* ctx_ = nullptr;
  bool connected_ = false;
  bool rs485_warned_ = false;
  int timeouts_in_a_row_ = 0;
  std::uint16_t transaction_ = 0;  // TCP: the id of the last request sent
  std::chrono::microseconds gap_{0};
  std::chrono::steady_clock::time_point last_end_{};
};

}  // namespace farmgate::modbus
