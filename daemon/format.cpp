#include "daemon/format.h"

#include <charconv>
#include <cmath>

namespace farmgate::daemon {

std::string format_number(double v) {
  if (std::isnan(v)) return "NaN";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

std::string format_reading(const Reading& r) {
  if (r.quality == Quality::error || !r.value) return "error: " + r.error;
  std::string text = r.boolean ? (*r.value != 0 ? "on" : "off") : format_number(*r.value);
  if (!r.unit.empty()) text += " " + r.unit;
  if (r.quality == Quality::bad) text += " (bad" + (r.error.empty() ? "" : ": " + r.error) + ")";
  return text;
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
