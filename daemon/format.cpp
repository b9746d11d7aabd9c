#include "daemon/format.h"

#include <charconv>
#include <cmath>

namespace farmgate::daemon {
namespace {

// `single`: the value came from a float32, whose ~7 significant digits are all it holds.
std::string format_value(double v, bool single) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  std::to_chars_result res;
  if (v == std::trunc(v) && v >= -0x1p63 && v < 0x1p63) {  // every int64, exactly
    res = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
  } else if (single && static_cast<double>(static_cast<float>(v)) == v) {
    // Exactly a float: its shortest round-trip text is what was stored (5.62f -> "5.62").
    res = std::to_chars(buf, buf + sizeof buf, static_cast<float>(v));
  } else {
    res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, single ? 7 : 15);
  }
  return std::string(buf, res.ptr);
}

std::string format(const Reading& r, bool single) {
  if (r.quality == Quality::error || !r.value) return "error: " + r.error;
  std::string text = r.boolean ? (*r.value != 0 ? "on" : "off") : format_value(*r.value, single);
  if (!r.unit.empty()) text += " " + r.unit;
  if (r.quality == Quality::bad) text += " (bad" + (r.error.empty() ? "" : ": " + r.error) + ")";
  return text;
}

}  // namespace

std::string format_number(double v) { return format_value(v, false); }

std::string format_reading(const Reading& r) { return format(r, false); }

std::string format_reading(const Reading& r, const config::Point& point) {
  return format(r, point.type == config::ValueType::float32);
}

bool parse_point_value(const std::string& text, bool boolean, double& out) {
  if (boolean) {
    if (text == "on" || text == "true" || text == "1") return out = 1, true;
    if (text == "off" || text == "false" || text == "0") return out = 0, true;
    return false;
  }
  double v = 0;
  auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  if (res.ec != std::errc() || res.ptr != text.data() + text.size() || !std::isfinite(v))
    return false;
  out = v;
  return true;
}

}  // namespace farmgate::daemon
