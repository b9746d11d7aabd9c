#include "config/serial.h"

#include <algorithm>
#include <string>
#include <vector>

namespace farmgate::config {

std::optional<int> read_baud(MapReader& r) {
  static const std::vector<long long> kBauds = {1200,  2400,  4800,  9600,
                                                19200, 38400, 57600, 115200};
  auto b = r.integer("baud", 1, 100'000'000);
  if (!b) return std::nullopt;
  if (std::find(kBauds.begin(), kBauds.end(), *b) == kBauds.end()) {
    r.error_at_value("baud", "unsupported baud " + std::to_string(*b) +
                                 ": expected 1200, 2400, 4800, 9600, 19200, 38400, 57600 or "
                                 "115200");
    return std::nullopt;
  }
  return static_cast<int>(*b);
}

std::optional<char> read_parity(MapReader& r) {
  auto p = r.choice("parity", {"none", "even", "odd"});
  if (!p) return std::nullopt;
  return *p == "none" ? 'N' : *p == "even" ? 'E' : 'O';
}

std::optional<int> read_data_bits(MapReader& r) {
  auto v = r.integer("data_bits", 7, 8);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

std::optional<int> read_stop_bits(MapReader& r) {
  auto v = r.integer("stop_bits", 1, 2);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

const char* parity_name(char parity) {
  return parity == 'E' ? "even" : parity == 'O' ? "odd" : "none";
}

Duration min_rtu_gap(const RtuSettings& rtu) {
  const long long bits = 1 + rtu.data_bits + (rtu.parity == 'N' ? 0 : 1) + rtu.stop_bits;
  // ceil(3.5 * bits * 1000 / baud) in integers: ceil(7000 * bits / (2 * baud)).
  const long long num = 7000 * bits, den = 2LL * rtu.baud;
  return Duration{(num + den - 1) / den};
}

}  // namespace farmgate::config
