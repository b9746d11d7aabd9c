// Synchronous Modbus helpers for the CLI (`farmgate read`, `write`, `scan`, spec §2). Each call
// opens the buses it needs, does its transactions on the calling thread and closes them. Not
// for use while the daemon owns the same buses.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/reading.h"
#include "config/config.h"
#include "drivers/modbus/transactions.h"

namespace farmgate::modbus {

// Reads points by id ("DEVICE.POINT"), with the fewest transactions per device, each tried
// 1 + bus.retries times. Readings come in the order of `point_ids`; an unknown id or an
// unreachable device gives a reading of quality error with the reason (a silent device gives
// up after timeout × (retries + 1)).
std::vector<Reading> read_points(const config::Config& config,
                                 const std::vector<std::string>& point_ids);

// Writes `value` to a point by id and reads it back (transactions.h write_point). The caller
// parses the text: true/false/on/off/1/0 -> 1/0 for a bool point, a number otherwise.
// Unknown or non-writable points fail without any I/O.
WriteResult write_point(const config::Config& config, const std::string& point_id, double value);

struct ScanProbe {
  int unit = 0;
  bool present = false;  // it replied (a Modbus exception counts: something is there; a
                         // garbled reply, e.g. bad CRC, does not, but `detail` shows it)
  std::string detail;    // "replied", "illegal data address (exception 2)", "timeout: ..."
  // protocol: a reply came but does not answer the probe (another unit id, truncated, bad
  // CRC): something is on the wire that a technician should look at, unlike silence.
  LinkError kind = LinkError::none;
};

struct ScanResult {
  bool ok = false;           // false: the bus is unknown or could not be opened
  std::string error;
  std::vector<int> present;  // unit ids that replied, ascending
};

// Probes unit ids first..last (clamped to 1..255) on the named bus with one read of holding
// register 0 each, one attempt each (a silent unit costs one timeout). `progress`, when set, is
// called after each probe.
ScanResult scan_bus(const config::Config& config, const std::string& bus, int first, int last,
                    const std::function<void(const ScanProbe&)>& progress = {});

}  // namespace farmgate::modbus
