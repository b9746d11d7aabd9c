// Values at their resolution (spec §8): a value is written with no more digits than its
// point can resolve, so `25.2` goes out, never `25.200000000000003` (raw 252 x scale 0.1 in
// binary floating point). On a prepaid 4G SIM every digit is paid for. Pure; no I/O.
//
// A point's resolution, in this order:
// - `precision:` set: that many decimals;
// - an integer or bool register: the decimals of `scale` and `offset` (0.1 -> 1, 0.25 -> 2,
//   1 -> 0), at most 9;
// - float32: the shortest text that reads back as the same float32 (a float32 carries about
//   7 significant digits; widening it to double invents the rest: 5.62f is 5.619999885...);
// - float64: the value as it is (shortest round-trip text).
// The rounded value is a double whose shortest text has at most those decimals, so the
// JSON writers (nlohmann's dump and payloads.cpp's own) print it without further help.
#pragma once

#include <string>
#include <unordered_map>

#include "config/config.h"

namespace farmgate::uplink {

struct Resolution {
  enum class Kind { exact, decimals, float32 };
  Kind kind = Kind::exact;
  int decimals = 0;  // Kind::decimals only

  double apply(double v) const;
};

// Decimals needed to write multiples of `step` exactly (0.1 -> 1; 0 or 1 -> 0), at most 9.
int decimals_of(double step);
Resolution resolution_of(const config::Point& p);

// Every configured point's resolution, looked up by id ("DEVICE.POINT"); an unknown point
// (one removed by a reload while its readings wait in the buffer) is written as it is.
class Resolutions {
 public:
  Resolutions() = default;
  explicit Resolutions(const config::Config& config);
  double apply(const std::string& point, double v) const;

 private:
  std::unordered_map<std::string, Resolution> by_point_;
};

}  // namespace farmgate::uplink
