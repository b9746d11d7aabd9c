// The control state a reload (SIGHUP, spec §2) carries from the running Engine into the one
// built from the new config and rules, so that editing a threshold does not drop a manual
// hold, raise an alarm again or short-cycle a motor:
//
//   rules::EngineState s = old_engine.export_state();
//   rules::Engine next(new_config, new_rules, now, options);
//   for (auto& note : next.import_state(s, now)) log(note);   // what did not carry, and why
//
// What carries (matched by name, only where the new config still has it):
//  - overrides (`set` holds): value, end of the hold and command id, while the point still
//    exists and is writable (a bool point keeps only a 0/1 value);
//  - actuators: the commanded/read state, its reason and when it last changed (min_on,
//    min_off and max_on go on counting), a max_on cut in force; for every point that is still
//    writable. An actuator the new rules no longer name stays managed and goes to its default
//    (bool: off; numeric: unchanged) unless a hold drives it;
//  - write retries (a write that has not stuck yet is retried by the new engine);
//  - point state: latest value, stale/bad/pending, window history (a window made longer is
//    pending while it fills, as after a start);
//  - rules, by name: an unchanged rule (same text: conditions, `for`, `at`, `set`, priority)
//    keeps its whole run state (active, the `for` count, a running pulse). A changed rule that
//    sets the same points the same way keeps only `active` (and a running pulse's end): its
//    new release condition decides from the next tick, so a running aerator is not dropped
//    because a threshold moved; its `for` count starts again;
//  - alarms, by name: a raised alarm stays raised (no second `raised`; it clears with an event
//    when its new condition is false); the `for` count goes on only when `when` and `for` are
//    unchanged. An alarm the reload removed while raised is cleared with an `alarm` event
//    (`cleared`, message "NAME: removed by a config reload") at the next tick, and so is a
//    max_on alarm of an actuator that is no longer writable;
//  - the last local minute seen (an `at` time is neither missed nor fired twice) and whether
//    the unset-clock fault was reported.
// What does not carry: holds and actuators on points removed or made read-only (dropped, with
// a note), the state of removed rules, and everything of an actuator the new rules make
// numeric/boolean differently beyond its value.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "rules/alarms.h"
#include "rules/arbiter.h"
#include "rules/point_state.h"
#include "rules/rule_file.h"

namespace farmgate::rules {

struct EngineState {
  struct Override {
    double value = 0;
    SteadyTime until{};
    std::string cmd_id;
  };
  struct RuleRun {
    std::string text;     // rule_text(): the whole state carries only when it is the same
    std::string drives;   // rule_drives(): `active` carries when this is the same
    bool active = false;
    std::optional<SteadyTime> true_since;
    std::optional<SteadyTime> pulse_end;
  };
  struct WriteState {
    double value = 0;
    std::string reason;
    bool failing = false;
    std::optional<SteadyTime> retry_at;
    bool in_flight = false;  // written, result not back yet: a poll may still see the old state
  };

  std::map<std::string, Override> overrides;          // by point
  std::map<std::string, RuleRun> rules;               // by rule name
  std::map<std::string, Arbiter::Carried> actuators;  // by point
  std::map<std::string, WriteState> writes;           // by point
  std::map<std::string, Alarms::Carried> alarms;      // by alarm name
  std::unordered_map<std::string, PointState::Carried> points;
  std::optional<std::int64_t> last_minute;
  bool clock_reported = false;
};

// A rule as written, in one string (kind, conditions, durations, times, set, priority).
std::string rule_text(const Rule& r);
// What a rule does when it runs: its kind and its `set` actions.
std::string rule_drives(const Rule& r);

}  // namespace farmgate::rules
