#include "config/units.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace farmgate::config {
namespace {

// Splits "250ms" into digits "250" and suffix "ms"; false when there is no leading digit.
bool split_number(const std::string& text, std::string& digits, std::string& suffix) {
  std::size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0) return false;
  digits = text.substr(0, i);
  suffix = text.substr(i);
  return true;
}

// Decimal digits to uint64; false on overflow.
bool to_u64(const std::string& digits, std::uint64_t& out) {
  out = 0;
  for (char c : digits) {
    const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (out > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return false;
    out = out * 10 + d;
  }
  return true;
}

bool checked_mul(std::uint64_t a, std::uint64_t b, std::uint64_t limit, std::uint64_t& out) {
  if (a != 0 && b > limit / a) return false;
  out = a * b;
  return true;
}

}  // namespace

Parsed<Duration> parse_duration(const std::string& text) {
  const std::string expect = " (write a whole number with ms, s, m, h or d, e.g. 250ms or 10s)";
  if (text == "0") return {Duration{0}};
  std::string digits, suffix;
  if (!split_number(text, digits, suffix)) return {"bad duration '" + text + "'" + expect};
  std::uint64_t per = 0;
  if (suffix == "ms")
    per = 1;
  else if (suffix == "s")
    per = 1000;
  else if (suffix == "m")
    per = 60'000;
  else if (suffix == "h")
    per = 3'600'000;
  else if (suffix == "d")
    per = 86'400'000;
  else if (suffix.empty())
    return {"duration '" + text + "' has no unit" + expect};
  else
    return {"bad duration '" + text + "'" + expect};
  std::uint64_t n = 0, ms = 0;
  const auto limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (!to_u64(digits, n) || !checked_mul(n, per, limit, ms))
    return {"duration '" + text + "' is too large"};
  return {Duration{static_cast<std::int64_t>(ms)}};
}

Parsed<std::uint64_t> parse_size(const std::string& text) {
  const std::string expect = " (write a whole number with B, KiB, MiB or GiB, e.g. 256MiB)";
  std::string digits, suffix;
  if (!split_number(text, digits, suffix)) return {"bad size '" + text + "'" + expect};
  std::uint64_t per = 0;
  if (suffix == "B")
    per = 1;
  else if (suffix == "KiB")
    per = 1ull << 10;
  else if (suffix == "MiB")
    per = 1ull << 20;
  else if (suffix == "GiB")
    per = 1ull << 30;
  else if (suffix == "TiB")
    per = 1ull << 40;
  else if (suffix == "KB" || suffix == "kB" || suffix == "MB" || suffix == "GB" || suffix == "TB")
    return {"size '" + text + "' uses a decimal unit: write " + digits + suffix.substr(0, 1) +
            "iB (binary units only)"};
  else if (suffix.empty())
    return {"size '" + text + "' has no unit" + expect};
  else
    return {"bad size '" + text + "'" + expect};
  std::uint64_t n = 0, bytes = 0;
  if (!to_u64(digits, n) || !checked_mul(n, per, std::numeric_limits<std::uint64_t>::max(), bytes))
    return {"size '" + text + "' is too large"};
  return {bytes};
}

Parsed<std::uint16_t> parse_address(const std::string& text) {
  const std::string expect = " (write a decimal like 10 or hex like 0x0A)";
  std::uint64_t n = 0;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    for (std::size_t i = 2; i < text.size(); ++i) {
      const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
      int d = -1;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      if (d < 0) return {"bad address '" + text + "'" + expect};
      n = n * 16 + static_cast<std::uint64_t>(d);
      if (n > 65535) return {"address " + text + " is past 65535"};
    }
    return {static_cast<std::uint16_t>(n)};
  }
  std::string digits, suffix;
  if (!split_number(text, digits, suffix) || !suffix.empty())
    return {"bad address '" + text + "'" + expect};
  if (digits.size() > 1 && digits[0] == '0')
    return {"address '" + text + "' has a leading zero: write " +
            std::to_string(std::strtoull(digits.c_str(), nullptr, 10)) + " (decimal) or 0x" +
            digits.substr(digits.find_first_not_of('0') == std::string::npos
                              ? digits.size() - 1
                              : digits.find_first_not_of('0')) +
            " (hex)"};
  if (!to_u64(digits, n) || n > 65535) return {"address " + text + " is past 65535"};
  return {static_cast<std::uint16_t>(n)};
}

Parsed<long long> parse_integer(const std::string& text) {
  std::size_t i = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
  if (i == text.size()) return {"expected a whole number, got '" + text + "'"};
  for (std::size_t j = i; j < text.size(); ++j)
    if (!std::isdigit(static_cast<unsigned char>(text[j])))
      return {"expected a whole number, got '" + text + "'"};
  errno = 0;
  const long long v = std::strtoll(text.c_str(), nullptr, 10);
  if (errno == ERANGE) return {"number " + text + " is too large"};
  return {v};
}

Parsed<double> parse_number(const std::string& text) {
  const std::string bad = "expected a number, got '" + text + "'";
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return {bad};
  // strtod would also take hex floats, "inf" and "nan": none of them belong in a config.
  for (char c : text)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.' ||
          c == 'e' || c == 'E'))
      return {bad};
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return {bad};
  if (errno == ERANGE || !std::isfinite(v)) return {"number " + text + " is out of range"};
  return {v};
}

std::string format_duration(Duration d) {
  const long long ms = d.count();
  if (ms == 0) return "0";
  if (ms % 86'400'000 == 0) return std::to_string(ms / 86'400'000) + "d";
  if (ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace farmgate::config
