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
#include "config/loader.h"
#include "rules/rule_file.h"

namespace farmgate::daemon {

struct Setup {
  std::optional<config::Config> config;
  rules::RuleSet rules;
  config::Diagnostics diagnostics;
  std::string fingerprint;  // SHA-256 of the main file and the rule files, in load order

  bool ok() const { return config.has_value() && !diagnostics.has_errors(); }
};

// Loads the main config and, when it is valid, the rule files it names (when it is not,
// the rule files are still checked for what needs no config: readable, not empty, YAML).
// The set of files is read as one version: a file that changed while the set was read
// (stat before and after) makes it read again, up to 3 times, then it is an error.
// Never throws.
Setup load_setup(const std::string& config_path, const config::LoadOptions& options = {});
// Each with its line of the file and a caret under the column (config::print_with_source).
void print_diagnostics(const config::Diagnostics& d, std::ostream& out);
// One log line, at the diagnostic's severity ("error: FILE:LINE:COL: message").
void log_diagnostic(const config::Diagnostic& d);

// For the one-shot tools: the main config alone (rules play no part); diagnostics go to
// stderr; nothing when it has errors.
std::optional<config::Config> load_config_or_report(const std::string& config_path);
// True when every id names a point (and a writable one when asked); else says why on `err`.
bool check_point_ids(const config::Config& config, const std::vector<std::string>& ids,
                     bool writable, std::ostream& err);

}  // namespace farmgate::daemon
