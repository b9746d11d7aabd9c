// A decoded value of one point at one instant: what drivers produce, the store keeps, the
// rules read and the uplink sends. Plain data; copy freely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace farmgate {

enum class Quality {
  good,   // decoded and inside the point's `valid` range
  bad,    // decoded, but outside `valid` or NaN: the value is unknown to the rules
  error,  // the read failed (timeout, exception, CRC, bus down): no value
};

const char* to_string(Quality q);

struct Reading {
  std::string point;            // "DEVICE.POINT"
  std::int64_t ts_ms = 0;       // Unix epoch milliseconds (wall clock) of the read
  std::optional<double> value;  // empty exactly when quality == error
  bool boolean = false;         // the point is a bool: value is 0 or 1, sent as false/true
  std::string unit;             // "" when the point has none
  Quality quality = Quality::error;
  std::string error;            // why, when quality != good (not sent in telemetry)
};

}  // namespace farmgate
