// Reading one model's settings from the farmsim description file, with positioned errors:
// every key a model asks for is checked (type, range), and finish() reports the keys nobody
// asked for, so a typo in `respiration:` is an error rather than a silently ignored key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <set>
#include <string>

#include "tools/farmsim/models/physics.h"

namespace farmsim::models {

// Reports one error at a node's position (the description file's loader formats it).
using ErrorFn = std::function<void(const YAML::Node&, const std::string&)>;

class Params {
 public:
  // `map` must be a YAML map (the caller checked); `where` names it in messages.
  Params(YAML::Node map, std::string where, ErrorFn error);

  // A number in [lo, hi], or `fallback` when the key is absent.
  double number(const std::string& key, double fallback, double lo, double hi);
  // A Modbus unit id 1..255; nullopt when absent (and `required` reports it).
  std::optional<int> unit(const std::string& key, bool required);
  // `{ unit: U, coil: A }`: the relay channel that drives something. Required.
  CoilRef coil(const std::string& key);
  // Time of day "HH:MM" as seconds after midnight, or `fallback`.
  double time_of_day(const std::string& key, double fallback);

  // Marks a key as read elsewhere (a model's `kind`).
  void known(const std::string& key) { asked_.insert(key); }
  // Reports keys of the map that no call above asked for.
  void finish();
  bool ok() const { return ok_; }

 private:
  void error(const YAML::Node& n, const std::string& msg);

  YAML::Node map_;
  std::string where_;
  ErrorFn error_;
  std::set<std::string> asked_;
  bool ok_ = true;
};

}  // namespace farmsim::models
