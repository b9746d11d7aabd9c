// The local control engine (spec §4): readings and time in, actuator writes and events out.
// Pure logic on a virtual clock — the caller passes monotonic time (control timing) and wall
// time (event timestamps, time-of-day schedules); the engine never reads a clock, a bus or a
// socket, so the daemon, `farmgate replay` and the tests drive the very same code.
//
// Use (all on one thread, the daemon's loop):
//   Engine e(config, rules, start);           // start = when the daemon started (steady)
//   e.on_actuator_state(point, value, t)      // the actual state read at start, before tick
//   e.on_reading(reading, t)                  // every reading of every point
//   Decisions d = e.tick(t, wall_ms)          // e.g. every second: execute d.writes in order
//                                             // (turn-offs come first), publish d.events
//   e.on_write_result(point, ok, readback, t, wall_ms)  // after each write + read-back
//   e.set_override(...) / e.release(...)      // the `cmd` topic's set / release
//
// Decisions per rule each tick:
//  - a `when` rule starts once `when` has been true for `for`; it ends at once when `until` is
//    true (or, without `until`, when `when` is not true). `when`/`until` unknown because of a
//    stale or bad point: the rule cannot be evaluated -> failsafe of every actuator it sets
//    (its active/inactive state is kept for when the point comes back). Unknown only because
//    a point is still pending since start, or a window (avg/min/max/delta) still lacks the
//    history it could not have had since start: the actuator keeps its state. `time between` with
//    an implausible wall clock counts as not firing.
//  - an `at` rule pulses for `for` at each listed local time the wall clock passes (steps of at
//    most 10 minutes count; a bigger jump, like the first NTP sync, fires nothing). A local
//    time that occurs twice (DST ends) fires at its first occurrence only; one that does not
//    occur (DST starts) fires at the first minute after the gap (TimeZone::local_minutes_starting). The pulse is
//    skipped while `unless` is true, and ends early if `unless` becomes true. If `unless`
//    cannot be evaluated at pulse time the pulse is skipped (not feeding is the safe side) and
//    an `actuator` fault event says so; during a pulse an unknown `unless` also ends it.
//  - wall clock not plausible (common/clock.h): once, a `fault` event with source `clock`;
//    schedules wait, sensor rules keep working.
// Per actuator: failsafe > override > active rules (highest priority; ties: first declared;
// a rule still pending since start that would win holds the state) > default (off; numeric
// points: unchanged),
// then the Arbiter's protections (arbiter.h). Overrides hold at most 24h; `release` or the
// end of the hold hands the actuator back.
// A write that fails or reads back differently is retried every `retry_interval` until it
// sticks; one `actuator` fault event per streak of failures.
// Reconciliation (spec §7, `reconcile`): a good reading of an actuator whose state is known
// and that has no write in flight is compared with the decided state; a difference is the
// actual state from then on (arbiter.h observe) and the next tick writes the decision back.
// One `actuator` fault event per streak (`found off, wanted on`), stamped with the reading's
// time and sent by the next tick; the streak ends with a reading that matches.
// Reload: export_state() / import_state() carry holds, actuator states and their timers, rule
// and alarm state and point history into an engine built from the new config and rules;
// engine_state.h says exactly what carries and what does not.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/hold_limit.h"
#include "common/event.h"
#include "common/reading.h"
#include "config/config.h"
#include "rules/alarms.h"
#include "rules/arbiter.h"
#include "rules/engine_state.h"
#include "rules/local_time.h"
#include "rules/point_state.h"
#include "rules/rule_file.h"

namespace farmgate::rules {

struct Write {
  std::string point;
  double value = 0;     // bool points: 1/0
  std::string reason;   // as in the actuator event
};

struct Decisions {
  std::vector<Write> writes;   // in order: turn-offs first
  std::vector<Event> events;   // actuator changes, alarms, faults
};

struct CommandResult {
  bool ok = true;
  std::string error;
};

struct EngineOptions {
  TimeZone timezone = TimeZone::utc();   // the daemon loads config.gateway.timezone
  Duration retry_interval{5000};
  Duration max_hold = kMaxHold;  // common/hold_limit.h: one limit for every check
  bool reconcile = true;  // false for replay: recorded actuator readings are history, not drift
  // Whether a polled value is the state decided for a point. The daemon passes the codec's
  // modbus::same_at_resolution (the registers on the wire decide, so 12.7 written as 13 is no
  // drift); unset, bools compare by truth and numbers within half a step of `scale`.
  std::function<bool(const config::Point&, double, double)> same_state;
};

class Engine {
 public:
  Engine(const config::Config& config, RuleSet rules, SteadyTime start, EngineOptions options = {});

  void on_reading(const Reading& r, SteadyTime now);
  // The actual state of an actuator as read (at start): it counts as just set (min_on/min_off).
  void on_actuator_state(const std::string& point, double value, SteadyTime now);
  Decisions tick(SteadyTime now, std::int64_t wall_ms);

  // A write's outcome: `ok` = the write went through; `readback` = the value read back after it.
  std::vector<Event> on_write_result(const std::string& point, bool ok, std::optional<double> readback,
                                     SteadyTime now, std::int64_t wall_ms);

  // `set` with `hold` (spec §5). Refused: unknown or non-writable point, a value of the wrong
  // kind (a bool point takes 0/1), a hold not in (0, 24h]. Takes effect at the next tick.
  CommandResult set_override(const std::string& point, double value, Duration hold,
                             const std::string& cmd_id, SteadyTime now);
  // Always ok (idempotent): ends the point's hold if there is one.
  CommandResult release(const std::string& point, const std::string& cmd_id);

  // For `check`, `status` and tests.
  std::optional<double> actuator_state(const std::string& point) const { return arbiter_.state(point); }
  bool override_active(const std::string& point) const { return overrides_.count(point) > 0; }
  bool alarm_raised(const std::string& name) const { return alarms_.raised(name); }

  // Reload (engine_state.h). import_state is called on a fresh engine, before its first tick
  // and before on_actuator_state; `now` is the reload's time. Returns notes for the log on
  // what did not carry (a hold dropped, an actuator no longer writable). Events it causes (an
  // alarm removed while raised is cleared) come out of the next tick.
  EngineState export_state() const;
  std::vector<std::string> import_state(const EngineState& state, SteadyTime now);

 private:
  struct RuleRun {
    bool active = false;
    bool failsafe = false;
    bool pending = false;
    std::optional<SteadyTime> true_since;
    std::optional<SteadyTime> pulse_end;
  };
  using Override = EngineState::Override;
  using WriteState = EngineState::WriteState;
  class Context;

  void run_when_rule(const Rule& r, RuleRun& run, const EvalContext& ctx, SteadyTime now);
  void run_at_rule(const Rule& r, RuleRun& run, const EvalContext& ctx, SteadyTime now,
                   std::optional<std::int64_t> minute, std::int64_t wall_ms, std::vector<Event>& events);
  std::map<std::string, Claim> claims(SteadyTime now) const;

  const config::Config config_;  // a copy: the engine outlives nothing it was given
  RuleSet rules_;
  EngineOptions options_;
  PointState points_;
  Arbiter arbiter_;
  Alarms alarms_;
  std::vector<RuleRun> runs_;
  std::map<std::string, Failsafe> failsafe_;
  std::map<std::string, Override> overrides_;
  std::map<std::string, WriteState> writes_;
  std::optional<std::int64_t> last_minute_;   // UTC minutes (epoch) at the previous plausible tick
  bool clock_reported_ = false;
  bool uses_time_ = false;
  std::vector<Event> carried_events_;  // from import_state; stamped and sent by the next tick
  std::vector<Event> drift_events_;    // from on_reading; sent by the next tick
  std::map<std::string, bool> drifting_;  // by point: a drift streak is on (its fault was sent)

  void reconcile(const Reading& r, SteadyTime now);
};

}  // namespace farmgate::rules
