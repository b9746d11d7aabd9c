// Alarms (spec §4 `alarms:`, §5 `alarm` events): raised when `when` has held for `for`,
// cleared as soon as it is false. While `when` is unknown (stale/bad/pending point, unset
// clock) an alarm keeps its state and its `for` count restarts — a dead probe is reported as
// a device fault by the daemon, not as an alarm flapping.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/event.h"
#include "rules/expression.h"
#include "rules/rule_file.h"

namespace farmgate::rules {

// {"name","severity","state":"raised"|"cleared","message"}
Event alarm_event(std::int64_t ts_ms, const std::string& name, Severity severity, bool raised,
                  const std::string& message);

// `{DEVICE.POINT}` -> the point's current value ("unknown" when it has none).
std::string fill_message(const std::string& message, const EvalContext& ctx);

class Alarms {
 public:
  explicit Alarms(std::vector<AlarmSpec> specs);
  void evaluate(const EvalContext& ctx, SteadyTime now, std::int64_t wall_ms, std::vector<Event>& out);
  bool raised(const std::string& name) const;

  // An alarm's state carried across a reload (engine_state.h), with what is needed to clear it
  // when the reload removed it.
  struct Carried {
    bool raised = false;
    std::optional<SteadyTime> true_since;
    std::string when;   // the condition's text: the `for` count carries only when it is unchanged
    Duration hold{0};
    Severity severity = Severity::warning;
    std::string message;
  };
  std::map<std::string, Carried> carried() const;
  // Takes over `c` for the alarm `name`; false when there is no such alarm any more.
  bool restore(const std::string& name, const Carried& c);

 private:
  struct State {
    AlarmSpec spec;
    bool raised = false;
    std::optional<SteadyTime> true_since;
  };
  std::vector<State> list_;
};

}  // namespace farmgate::rules
