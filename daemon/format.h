// How readings look to a person at a terminal (read, write, the demo, replay).
#pragma once

#include <string>

#include "common/reading.h"
#include "config/config.h"

namespace farmgate::daemon {

// A number as a person writes it: whole numbers in full (-123456, 1003), others to at most 15
// significant digits, so arithmetic noise stays hidden (3 x 0.1 -> 0.3, not
// 0.30000000000000004). NaN -> "NaN".
std::string format_number(double v);
// "5.62 mg/L", "on", "error: timeout: no reply from unit 2", "31.5 °C (bad: outside valid)"
std::string format_reading(const Reading& r);
// The same, at the precision of `point`'s type: a float32 register holds about 7 digits, so
// 5.62 stored as float32 prints 5.62, not 5.619999885559082.
std::string format_reading(const Reading& r, const config::Point& point);
// Parses a value typed by a person for a point: on/off/true/false/1/0 for a bool point, a
// finite number otherwise. Returns false (and leaves `out`) when the text does not fit.
bool parse_point_value(const std::string& text, bool boolean, double& out);

}  // namespace farmgate::daemon
