// Parsing of the value syntaxes of spec §3 that YAML itself does not know: durations,
// sizes and register addresses. Pure functions, no I/O; each returns the value or the
// reason it was refused, phrased for the technician who wrote it.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "common/clock.h"

namespace farmgate::config {

// Either a value or an error message (without position: the caller knows where).
template <typename T>
struct Parsed {
  std::variant<T, std::string> v;
  bool ok() const { return v.index() == 0; }
  const T& value() const { return std::get<0>(v); }
  const std::string& error() const { return std::get<1>(v); }
};

// A whole number followed by ms, s, m, h or d: "250ms", "10s", "5m", "2h", "1d".
// A bare "0" is accepted (zero needs no unit). Refuses negatives, fractions, a missing or
// unknown unit and values past about 292 million years (int64 milliseconds).
Parsed<Duration> parse_duration(const std::string& text);

// A whole number followed by B, KiB, MiB, GiB or TiB: "64KiB", "256MiB", "1GiB".
// Decimal units (KB, MB, GB) are refused with a hint, since 1 MB != 1 MiB.
Parsed<std::uint64_t> parse_size(const std::string& text);

// A 0-based register address, 0..65535: decimal ("10") or hex ("0x0A", "0X0a").
// A decimal with a leading zero ("010") is refused: octal or decimal would be a guess.
Parsed<std::uint16_t> parse_address(const std::string& text);

// A plain decimal integer with optional sign, e.g. "9600" or "-3"; refuses anything else.
Parsed<long long> parse_integer(const std::string& text);

// A decimal number as YAML writes it: "1", "-0.5", "1e3". Refuses NaN and infinities.
Parsed<double> parse_number(const std::string& text);

// "250ms", "10s", "5m", "2h", "1d": the largest unit that divides the duration exactly.
std::string format_duration(Duration d);

}  // namespace farmgate::config
