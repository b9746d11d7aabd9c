// A device's reads and writes as Modbus transactions on a Link: planning, retries, decoding,
// read-back. Shared by the bus owner (daemon) and the one-shot CLI helpers; runs on the thread
// that owns the Link and blocks for the transactions' duration.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/reading.h"
#include "config/config.h"
#include "drivers/modbus/link.h"

namespace farmgate::modbus {

struct PointsRead {
  bool ok = false;                // every transaction succeeded
  bool answered = false;          // the device replied at least once (even with an exception)
  std::string error;              // the first failure, when !ok
  std::vector<Reading> readings;  // one per requested point, in the requested order
};

// Reads `points` (indices into device.points) with the fewest transactions (read_plan.h),
// each tried up to `attempts` times (a Modbus exception is an answer: not retried). After a
// transaction that got no reply (timeout, link down) the device's remaining ones are skipped:
// a silent device costs one timeout × attempts, not one per transaction. Failed points read
// quality error with the failure's text. ts_ms is the wall clock when each reply came.
PointsRead read_points(Link& link, const config::Device& device,
                       const std::vector<std::size_t>& points, int attempts);

struct WriteResult {
  bool ok = false;
  std::string error;                // why not, when !ok (including a read-back mismatch)
  std::optional<Reading> readback;  // the point as read after the write, when it could be read
};

// Encodes `value` for `point` (codec.h), writes it (FC05/FC15 coil, FC06/FC16 holding), then
// reads the same registers/bits back; a difference is ok == false with "read-back ..." text.
// Does not check `point.writable`: callers decide who may write.
WriteResult write_point(Link& link, const config::Device& device, const config::Point& point,
                        double value, int attempts);

}  // namespace farmgate::modbus
