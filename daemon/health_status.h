// The one line of health that `systemctl status farmgate` shows (sd_notify STATUS=), so that a
// technician at the gateway sees at a glance whether the sensors answer and the uplink keeps up:
//
//   3 devices ok, 1 failing (pond2_do: timeout); 120 unsent
//
// Devices are counted by their last poll: ok, failing (with the last error, the first few
// named), or not polled yet. The buffer part says how many readings wait for the broker, how
// many were dropped past max_size, and whether the buffer takes writes. The text is bounded
// (kMaxStatusLength bytes) and holds no control characters: a newline in an error text or a
// config diagnostic would otherwise start a notify assignment of its own (WATCHDOG=1, READY=1).
// Pure functions and a plain tracker; the Gateway owns one and calls it on its loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace farmgate::daemon {

constexpr std::size_t kMaxStatusLength = 400;

struct DeviceState {
  enum class Kind { not_polled, ok, failing };
  std::string name;
  Kind kind = Kind::not_polled;
  std::string error;  // the last error while failing
};

struct HealthFigures {
  std::vector<DeviceState> devices;  // in config order
  std::int64_t unsent = 0;           // readings not yet acknowledged by the broker
  std::int64_t dropped = 0;          // unsent readings dropped past max_size, ever
  bool buffer_failing = false;       // the last commit failed
};

// "3 devices ok, 1 failing (pond2_do: timeout); 120 unsent" (see the header comment).
std::string health_line(const HealthFigures& figures);

// `text` with every control character (and DEL) written as \xNN, cut to `max` bytes (at a
// UTF-8 character boundary, "..." appended) — safe inside one sd_notify assignment.
std::string one_line(const std::string& text, std::size_t max = kMaxStatusLength);

// The devices' states as their polls report them. A device that is not polled any more
// (removed by a reload) is simply not asked for.
class DeviceStates {
 public:
  // Returns true when the device changed between ok and failing (or was polled first).
  bool on_poll(const std::string& device, bool ok, const std::string& error);
  // One entry per name, in the order given (the config's), unknown ones not polled yet.
  std::vector<DeviceState> states(const std::vector<std::string>& names) const;

 private:
  std::map<std::string, DeviceState> by_name_;
};

}  // namespace farmgate::daemon
