// Everything the daemon runs from, loaded and validated together: the main config (with its
// profiles) and the rule files it names. Used by `check`, `run` (at start and on SIGHUP, into
// a scratch Setup that replaces the running one only when valid) and `replay`.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/diagnostic.h"
#include "rules/rule_set.h"

namespace farmgate::daemon {

struct Setup {
  std::optional<config::Config> config;
  rules::RuleSet rules;
  config::Diagnostics diagnostics;
  std::string fingerprint;  // SHA-256 of the main file and the rule files, in load order

  bool ok() const { return config.has_value() && !diagnostics.has_errors(); }
};

Setup load_setup(const std::string& config_path);
void print_diagnostics(const config::Diagnostics& d, std::ostream& out);

}  // namespace farmgate::daemon
