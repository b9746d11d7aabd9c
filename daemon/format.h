// How readings look to a person at a terminal (read, write, the demo, replay).
#pragma once

#include <string>

#include "common/reading.h"

namespace farmgate::daemon {

// Shortest text that reads back as the same double: 5.62, not 5.6200000000000001.
std::string format_number(double v);
// "5.62 mg/L", "on", "error: timeout: no reply from unit 2", "31.5 °C (bad: outside valid)"
std::string format_reading(const Reading& r);
// Parses a value typed by a person for a point: on/off/true/false/1/0 for a bool point, a
// number otherwise. Returns false (and leaves `out`) when the text does not fit.
bool parse_point_value(const std::string& text, bool boolean, double& out);

}  // namespace farmgate::daemon
