// Who decides an actuator's value (spec §4), given what each source wants this tick.
//
// The engine hands the arbiter one Claim per actuator — already the highest source of
// failsafe > manual override > active rules (by priority) > default — and the arbiter applies
// what protects the hardware, in this order:
//  1. exclusive_with (symmetric): when both of a pair want to run, the stronger claim wins
//     (failsafe > override > rule, then rule priority), then the one already running, then the
//     one declared first; the other is held off (reason `exclusive_with OTHER`).
//  2. max_on: an actuator on for max_on is cut off (reason `max_on`) whatever drives it, and an
//     alarm `POINT max_on` is raised. It stays off until the source that drove it lets go
//     (the claim is no longer that source wanting on), then at least min_off from that moment;
//     the alarm clears when the source lets go.
//  3. min_on / min_off: a change is deferred until the current state has lasted that long
//     (every source, except the max_on cut). At start they count from the state read at start.
//  4. Never two of a pair on together: a transition that would make it so is deferred (or, if
//     both are already on, e.g. as found at start, the weaker is switched off at once).
// min_on/min_off/max_on/exclusive_with apply to on/off actuators; numeric ones just follow.
//
// The world can change an actuator (spec §7): observe() compares a polled state with the
// decided one. A difference is taken as the actual state from that moment (a drop to off
// counts as an off for min_off, counted from when it was seen), while the decision is kept:
// the next decide() writes the decided value back, within the protections above — except
// that min_on does not hold an actuator found on against its decision (it was not we who
// started it). Claims that keep the current state (failsafe hold, a pending rule) keep the
// decided state, not the found one.
// Single-threaded (the engine's loop).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/event.h"
#include "rules/rule_file.h"

namespace farmgate::rules {

struct Claim {
  enum class Source { default_, rule, override_, failsafe };
  Source source = Source::default_;
  int priority = 0;          // of the rule, for exclusivity
  bool keep = false;         // hold the current state (failsafe: hold, a pending rule, numeric default)
  double value = 0;
  std::string reason = "default";  // rule NAME | override CMD-ID | failsafe | default
};

struct Change {
  std::string point;
  double value = 0;
  std::string reason;
};

class Arbiter {
 public:
  struct Spec {
    std::string point;
    bool boolean = true;
    ActuatorSpec limits;
  };
  // Actuators in declaration order (that order settles exclusivity ties).
  explicit Arbiter(std::vector<Spec> actuators);

  bool has(const std::string& point) const { return index_.count(point) > 0; }
  // Adds an actuator not known yet (an override on a writable point no rule drives).
  void add(const Spec& spec);
  // The actual state, as read (at start) — counts as if it had just been set.
  void set_state(const std::string& point, double value, SteadyTime now);
  std::optional<double> state(const std::string& point) const;

  // A polled state `found` of an actuator whose state is known: nothing when it matches the
  // current state; otherwise the found state replaces it (see above) and the result says what
  // was found and what was wanted. `same(a, b)` says whether two values are the same state.
  struct Drift {
    double found = 0;
    double wanted = 0;
  };
  std::optional<Drift> observe(const std::string& point, double found, SteadyTime now,
                               const std::function<bool(double, double)>& same);

  // An actuator's state carried across a reload (engine_state.h): the value and when it was
  // set (so min_on/min_off/max_on keep counting), and a max_on cut in force.
  struct Carried {
    std::optional<double> value;
    std::string reason = "default";
    SteadyTime since{};
    bool cut = false;
    std::string cut_source;
    std::optional<SteadyTime> let_go;
  };
  std::map<std::string, Carried> carried() const;
  // Takes over `c` for `point` (ignored when the point is not one of ours).
  void restore(const std::string& point, const Carried& c);

  // Decides every actuator; returns the changes to make (turn-offs first) and adds
  // alarm events (max_on) to `events`. `claims` holds one claim per actuator (missing:
  // default). The returned changes are taken as done (the engine retries failed writes).
  std::vector<Change> decide(const std::map<std::string, Claim>& claims, SteadyTime now,
                             std::int64_t wall_ms, std::vector<Event>& events);

 private:
  struct Actuator {
    Spec spec;
    std::optional<double> value;   // commanded (or read at start, or found); empty: unknown
    std::string reason = "default";
    SteadyTime since{};
    bool cut = false;              // max_on latched
    std::string cut_source;
    std::optional<SteadyTime> let_go;  // when the cut's source let go (min_off counts from it)
    bool drifted = false;              // `value` was found, not decided (observe)
    std::optional<double> decided;     // while drifted: what was decided before
  };
  // One decide() call's working state, per actuator (index as in list_).
  struct Round {
    std::vector<Claim> claim;
    std::vector<std::optional<double>> want;    // what the claim asks, after exclusivity
    std::vector<std::optional<double>> final_;  // after the protections
    std::vector<std::string> why;               // the reason of final_
  };
  bool on(const Actuator& a) const { return a.value && *a.value != 0; }
  // True when `a`'s claim beats `b`'s for an exclusive pair.
  bool beats(const Actuator& a, const Claim& ca, const Actuator& b, const Claim& cb) const;
  std::vector<std::size_t> partners(std::size_t i) const;

  // The steps of decide(), in order.
  Round gather(const std::map<std::string, Claim>& claims) const;
  void hold_off_exclusive(Round& r) const;                       // 1.
  // True when a max_on cut decides actuator i (then min_on/min_off do not apply).
  bool apply_max_on(std::size_t i, Round& r, SteadyTime now, std::int64_t wall_ms,
                    std::vector<Event>& events);                 // 2.
  void apply_min_times(std::size_t i, Round& r, SteadyTime now) const;  // 3.
  void keep_pairs_apart(Round& r) const;                         // 4.
  std::vector<Change> commit(const Round& r, SteadyTime now);

  std::vector<Actuator> list_;
  std::map<std::string, size_t> index_;
};

}  // namespace farmgate::rules
