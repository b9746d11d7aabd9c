#include "tools/farmsim/models/params.h"

#include <cstdio>

#include "tools/farmsim/value_codec.h"

namespace farmsim::models {

Params::Params(YAML::Node map, std::string where, ErrorFn error)
    : map_(std::move(map)), where_(std::move(where)), error_(std::move(error)) {}

void Params::error(const YAML::Node& n, const std::string& msg) {
  ok_ = false;
  error_(n, msg);
}

double Params::number(const std::string& key, double fallback, double lo, double hi) {
  asked_.insert(key);
  YAML::Node n = map_[key];
  if (!n) return fallback;
  double v = 0;
  char tail = 0;
  if (!n.IsScalar() || std::sscanf(n.Scalar().c_str(), "%lf %c", &v, &tail) != 1 || v < lo ||
      v > hi) {
    char range[96];
    std::snprintf(range, sizeof range, " must be a number from %g to %g", lo, hi);
    error(n, "'" + key + "' in " + where_ + range);
    return fallback;
  }
  return v;
}

std::optional<int> Params::unit(const std::string& key, bool required) {
  asked_.insert(key);
  YAML::Node n = map_[key];
  if (!n) {
    if (required) error(map_, where_ + " needs '" + key + "' (a unit id)");
    return std::nullopt;
  }
  auto v = n.IsScalar() ? parse_integer(n.Scalar(), 1, 255) : std::nullopt;
  if (!v) {
    error(n, "'" + key + "' in " + where_ + " must be a unit id from 1 to 255");
    return std::nullopt;
  }
  return int(*v);
}

CoilRef Params::coil(const std::string& key) {
  asked_.insert(key);
  YAML::Node n = map_[key];
  CoilRef c;
  if (!n || !n.IsMap()) {
    error(n ? n : map_, where_ + " needs '" + key + "': { unit: U, coil: ADDRESS }");
    return c;
  }
  Params inner(n, "'" + key + "'", error_);
  c.unit = inner.unit("unit", true).value_or(0);
  c.address = int(inner.number("coil", 0, 0, kMaxTableSize - 1));
  inner.finish();
  if (!inner.ok()) ok_ = false;
  return c;
}

double Params::time_of_day(const std::string& key, double fallback) {
  asked_.insert(key);
  YAML::Node n = map_[key];
  if (!n) return fallback;
  int h = -1, m = -1;
  char tail = 0;
  if (!n.IsScalar() || std::sscanf(n.Scalar().c_str(), "%d:%d%c", &h, &m, &tail) != 2 || h < 0 ||
      h > 23 || m < 0 || m > 59) {
    error(n, "'" + key + "' in " + where_ + " must be a time of day HH:MM (e.g. \"18:00\")");
    return fallback;
  }
  return h * 3600.0 + m * 60.0;
}

void Params::finish() {
  for (const auto& kv : map_) {
    std::string k = kv.first.Scalar();
    if (!asked_.count(k)) error(kv.first, "unknown key '" + k + "' in " + where_);
  }
}

}  // namespace farmsim::models
