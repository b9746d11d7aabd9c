#include "uplink/resolution.h"

#include <charconv>
#include <cmath>

namespace farmgate::uplink {
namespace {

constexpr int kMaxDerivedDecimals = 9;

// round(v x 10^d) / 10^d: an integer divided by an exact power of ten is the double nearest
// the decimal, whose shortest round-trip text is that decimal.
double round_to(double v, int decimals) {
  const double f = std::pow(10.0, decimals);
  const double r = std::round(v * f) / f;
  if (!std::isfinite(r)) return v;  // too large to scale: already an integer
  return r + 0.0;                   // -0.0 -> 0: "-0.0" is a digit too many
}

// The float32 nearest v, as the double its shortest text denotes.
double as_float32_text(double v) {
  char buf[64];
  const auto text = std::to_chars(buf, buf + sizeof buf, static_cast<float>(v));
  double d = v;
  std::from_chars(buf, text.ptr, d);
  return d;
}

}  // namespace

double Resolution::apply(double v) const {
  if (!std::isfinite(v)) return v;
  switch (kind) {
    case Kind::decimals:
      return round_to(v, decimals);
    case Kind::float32:
      return as_float32_text(v);
    case Kind::exact:
      break;
  }
  return v;
}

int decimals_of(double step) {
  step = std::fabs(step);
  for (int d = 0; d < kMaxDerivedDecimals; ++d) {
    const double scaled = step * std::pow(10.0, d);
    // Relative tolerance: 0.1 x 10 is 1.0000000000000002 in binary.
    if (std::fabs(scaled - std::round(scaled)) <= 1e-9 * std::max(1.0, scaled)) return d;
  }
  return kMaxDerivedDecimals;
}

Resolution resolution_of(const config::Point& p) {
  Resolution r;
  if (p.precision) {
    r.kind = Resolution::Kind::decimals;
    r.decimals = *p.precision;
  } else if (p.type == config::ValueType::float32) {
    r.kind = Resolution::Kind::float32;
  } else if (p.type != config::ValueType::float64) {
    r.kind = Resolution::Kind::decimals;
    r.decimals = std::max(decimals_of(p.scale), decimals_of(p.offset));
  }
  return r;
}

Resolutions::Resolutions(const config::Config& config) {
  for (const auto& d : config.devices)
    for (const auto& p : d.points) by_point_[p.id] = resolution_of(p);
}

double Resolutions::apply(const std::string& point, double v) const {
  auto it = by_point_.find(point);
  return it == by_point_.end() ? v : it->second.apply(v);
}

}  // namespace farmgate::uplink
