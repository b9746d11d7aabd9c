// Rule files (spec §4): `rules:`, `actuators:` and `alarms:`, validated against the config.
// Every mistake comes back as a positioned diagnostic (FILE:LINE:COL), all of them at once;
// an expression error points at its exact column in the file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/config.h"
#include "config/diagnostic.h"
#include "rules/expression.h"

namespace farmgate::rules {

struct SetAction {
  std::string point;   // a writable point
  double value = 0;    // bool points: 1/0
};

struct Rule {
  std::string name;
  // A sensor rule has `when` (+ `for` hold, optional `until`); a schedule rule has `at`
  // (+ `for` pulse length, optional `unless`). Exactly one of the two kinds.
  std::optional<Expression> when;
  Duration hold{0};                 // `for` of a `when` rule: how long `when` must hold
  std::optional<Expression> until;  // empty: release when `when` is false
  std::vector<int> at;              // minutes since local midnight
  Duration pulse{0};                // `for` of an `at` rule
  std::optional<Expression> unless;
  std::vector<SetAction> set;
  int priority = 0;
  config::SourcePos pos;
};

enum class Failsafe { on, off, hold };

struct ActuatorSpec {
  std::string point;
  Failsafe failsafe = Failsafe::off;
  Duration min_on{0}, min_off{0}, max_on{0};   // 0: none
  std::vector<std::string> exclusive_with;
  config::SourcePos pos;
};

enum class Severity { info, warning, critical };
const char* to_string(Severity s);

struct AlarmSpec {
  std::string name;
  Expression when;
  Duration hold{0};
  Severity severity = Severity::warning;   // default when `severity:` is absent
  std::string message;                      // default: the name; `{DEVICE.POINT}` placeholders
  config::SourcePos pos;
};

// Everything the rule files declare, in declaration order (files in load order).
struct RuleSet {
  std::vector<Rule> rules;
  std::vector<ActuatorSpec> actuators;   // only those declared under `actuators:`
  std::vector<AlarmSpec> alarms;
};

struct RuleLoadResult {
  std::optional<RuleSet> rules;          // set exactly when there is no error
  config::Diagnostics diagnostics;
};

// Parses rule file text; `file` names it in diagnostics.
RuleLoadResult parse_rule_text(const std::string& text, const std::string& file,
                               const config::Config& config);
// Loads and merges the files (usually config.rule_files); names must be unique across files
// and an actuator is declared at most once. Each file is read with config::read_regular_file
// (regular files only, at most 4 MiB, re-read when it changed while read); a file that
// cannot be read, or is empty (no YAML document: an editor caught between truncating and
// writing), is an error at FILE:1:1.
RuleLoadResult load_rule_files(const std::vector<std::string>& files, const config::Config& config);
// What can be checked without a valid config: each file readable, not empty, valid YAML.
// Used when the main file has errors, so that the rule files' errors are listed with them.
config::Diagnostics check_rule_files_readable(const std::vector<std::string>& files);

}  // namespace farmgate::rules
