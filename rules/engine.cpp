#include "rules/engine.h"

#include <algorithm>
#include <cmath>

namespace farmgate::rules {

// What expressions read: the point state at `now` and the local minute of day.
class Engine::Context : public EvalContext {
 public:
  Context(const PointState& points, SteadyTime now, std::optional<int> minute)
      : points_(points), now_(now), minute_(minute) {}
  Value point(const std::string& id) const override { return points_.value(id, now_); }
  Value window(WindowFn fn, const std::string& id, Duration span) const override {
    return points_.window(fn, id, span, now_);
  }
  std::optional<int> local_minute() const override { return minute_; }

 private:
  const PointState& points_;
  SteadyTime now_;
  std::optional<int> minute_;
};

namespace {

bool is_bool_point(const config::Config& c, const std::string& id) {
  const config::Point* p = c.find_point(id);
  return !p || p->type == config::ValueType::boolean;
}

// Declared actuators first (their order settles exclusivity ties), then the points rules set,
// then the partners named in exclusive_with.
std::vector<Arbiter::Spec> actuator_specs(const config::Config& c, const RuleSet& rules) {
  std::vector<Arbiter::Spec> out;
  auto add = [&](const std::string& point, const ActuatorSpec* spec) {
    for (const auto& s : out)
      if (s.point == point) return;
    Arbiter::Spec s;
    s.point = point;
    s.boolean = is_bool_point(c, point);
    if (spec) s.limits = *spec;
    s.limits.point = point;
    out.push_back(std::move(s));
  };
  for (const auto& a : rules.actuators) add(a.point, &a);
  for (const auto& r : rules.rules)
    for (const auto& s : r.set) add(s.point, nullptr);
  for (const auto& a : rules.actuators)
    for (const auto& x : a.exclusive_with) add(x, nullptr);
  return out;
}

nlohmann::json json_value(bool boolean, double v) {
  return boolean ? nlohmann::json(v != 0) : nlohmann::json(v);
}

std::string hhmm(int minute) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
  return buf;
}

}  // namespace

Engine::Engine(const config::Config& config, RuleSet rules, SteadyTime start, EngineOptions options)
    : config_(config),
      rules_(std::move(rules)),
      options_(std::move(options)),
      points_(config_, start),
      arbiter_(actuator_specs(config_, rules_)),
      alarms_(rules_.alarms),
      runs_(rules_.rules.size()) {
  for (const auto& a : rules_.actuators) failsafe_[a.point] = a.failsafe;
  auto note = [&](const Expression& e) {
    uses_time_ = uses_time_ || e.uses_time();
    for (const auto& p : e.points()) points_.keep_history(p.id, e.longest_window());
  };
  for (const auto& r : rules_.rules) {
    if (r.when) note(*r.when);
    if (r.until) note(*r.until);
    if (r.unless) note(*r.unless);
    uses_time_ = uses_time_ || !r.at.empty();
  }
  for (const auto& a : rules_.alarms) note(a.when);
}

void Engine::on_reading(const Reading& r, SteadyTime now) {
  points_.on_reading(r, now);
  if (options_.reconcile) reconcile(r, now);
}

namespace {

// Without EngineOptions::same_state (rules tests, replay): two values of a point are the same
// state when they are close enough to encode alike: bools by truth, integer registers within
// half a step of `scale`, floats to their precision.
bool same_state(const config::Point* p, double a, double b) {
  if (!p || p->type == config::ValueType::boolean) return (a != 0) == (b != 0);
  const bool floating = p->type == config::ValueType::float32 || p->type == config::ValueType::float64;
  const double step = std::abs(p->scale);
  const double tolerance = floating ? 1e-6 * std::max({1.0, std::abs(a), std::abs(b)}) * std::max(step, 1.0)
                                    : step / 2;
  return std::abs(a - b) <= tolerance;
}

std::string show_state(const config::Point* p, double v) {
  if (!p || p->type == config::ValueType::boolean) return v != 0 ? "on" : "off";
  return nlohmann::json(v).dump();
}

}  // namespace

void Engine::reconcile(const Reading& r, SteadyTime now) {
  if (r.quality != Quality::good || !r.value || !arbiter_.has(r.point)) return;
  auto w = writes_.find(r.point);
  // A write in flight may not have landed yet; a failing one is retried and reported by the
  // write path (on_write_result) already.
  if (w != writes_.end() && (w->second.in_flight || w->second.failing)) return;
  const config::Device* dev = nullptr;
  const config::Point* p = config_.find_point(r.point, &dev);
  const auto& same = options_.same_state;
  auto drift = arbiter_.observe(r.point, *r.value, now, [p, &same](double a, double b) {
    return same && p ? same(*p, a, b) : same_state(p, a, b);
  });
  if (!drift) {
    // A match ends the streak (also one that matches a state adopted from an earlier drift).
    drifting_.erase(r.point);
    return;
  }
  if (drifting_[r.point]) return;
  drifting_[r.point] = true;
  drift_events_.push_back(fault_event(r.ts_ms, "actuator",
                                      "found " + show_state(p, drift->found) + ", wanted " +
                                          show_state(p, drift->wanted),
                                      dev ? dev->name : "", dev ? dev->bus : "", r.point));
}

void Engine::on_actuator_state(const std::string& point, double value, SteadyTime now) {
  arbiter_.set_state(point, value, now);
}

void Engine::run_when_rule(const Rule& r, RuleRun& run, const EvalContext& ctx, SteadyTime now) {
  run.failsafe = run.pending = false;
  if (!run.active) {
    Value w = r.when->eval(ctx);
    if (w.kind == Value::Kind::unknown) run.failsafe = true;
    if (w.kind == Value::Kind::pending) run.pending = true;
    if (!w.is_true()) {
      run.true_since.reset();
      return;
    }
    if (!run.true_since) run.true_since = now;
    if (now - *run.true_since >= r.hold) run.active = true;
    return;
  }
  // Active: only the release condition matters, and it acts at once.
  Value rel = r.until ? r.until->eval(ctx) : r.when->eval(ctx);
  if (rel.kind == Value::Kind::unknown) run.failsafe = true;
  if (rel.kind == Value::Kind::unknown || rel.kind == Value::Kind::pending) return;
  bool release = r.until ? rel.is_true() : !rel.is_true();  // no_clock: `when` is not true
  if (release) {
    run.active = false;
    run.true_since.reset();
  }
}

void Engine::run_at_rule(const Rule& r, RuleRun& run, const EvalContext& ctx, SteadyTime now,
                         std::optional<std::int64_t> minute, std::int64_t wall_ms, std::vector<Event>& events) {
  run.failsafe = run.pending = false;
  if (run.active) {
    if (now >= *run.pulse_end) run.active = false;
    else if (r.unless && !r.unless->eval(ctx).is_false()) run.active = false;
  }
  // `minute` and `last_minute_` count UTC minutes: local time repeats an hour when DST ends
  // and skips one when it starts, and each local time of day must fire exactly once.
  if (!minute || !last_minute_ || *minute <= *last_minute_ || *minute - *last_minute_ > 10) return;
  std::optional<int> due;
  for (std::int64_t u = *last_minute_ + 1; u <= *minute; ++u) {
    const TimeZone::Span span = options_.timezone.local_minutes_starting(u);
    for (std::int64_t m = span.first; m <= span.last; ++m) {
      int mod = static_cast<int>(((m % 1440) + 1440) % 1440);
      if (std::count(r.at.begin(), r.at.end(), mod)) due = mod;
    }
  }
  if (!due || run.active) return;
  Value u = r.unless ? r.unless->eval(ctx) : Value::boolean(false);
  if (u.is_false()) {
    run.active = true;
    run.pulse_end = now + r.pulse;
  } else if (!u.known()) {
    events.push_back(fault_event(wall_ms, "actuator",
                                 "rule " + r.name + ": the " + hhmm(*due) +
                                     " pulse was skipped: `unless` cannot be evaluated (a point it reads is stale, bad or not read yet)",
                                 "", "", r.set.front().point));
  }
}

std::map<std::string, Claim> Engine::claims(SteadyTime now) const {
  struct Acc {
    bool failsafe = false;
    const Rule* best = nullptr;
    bool keep = false;
    double value = 0;
  };
  std::map<std::string, Acc> acc;
  for (size_t i = 0; i < rules_.rules.size(); ++i) {
    const Rule& r = rules_.rules[i];
    const RuleRun& run = runs_[i];
    for (const auto& s : r.set) {
      Acc& a = acc[s.point];
      if (run.failsafe) a.failsafe = true;
      else if ((run.active || run.pending) && (!a.best || r.priority > a.best->priority)) {
        a.best = &r;
        a.keep = !run.active;
        a.value = s.value;
      }
    }
  }
  std::map<std::string, Claim> out;
  for (const auto& [point, a] : acc) {
    Claim c;
    if (a.failsafe) {
      auto fs = failsafe_.count(point) ? failsafe_.at(point) : Failsafe::off;
      c.source = Claim::Source::failsafe;
      c.reason = "failsafe";
      c.keep = fs == Failsafe::hold || !is_bool_point(config_, point);
      c.value = fs == Failsafe::on ? 1 : 0;
    } else if (a.best) {
      c.source = Claim::Source::rule;
      c.priority = a.best->priority;
      c.reason = "rule " + a.best->name;
      c.keep = a.keep;
      c.value = a.value;
    } else {
      continue;
    }
    out[point] = c;
  }
  for (const auto& [point, o] : overrides_) {
    if (out.count(point) && out[point].source == Claim::Source::failsafe) continue;
    if (o.until <= now) continue;
    Claim c;
    c.source = Claim::Source::override_;
    c.reason = "override " + o.cmd_id;
    c.value = o.value;
    out[point] = c;
  }
  return out;
}

Decisions Engine::tick(SteadyTime now, std::int64_t wall_ms) {
  Decisions d;
  for (auto& e : carried_events_) {
    e.ts_ms = wall_ms;
    d.events.push_back(std::move(e));
  }
  carried_events_.clear();
  for (auto& e : drift_events_) d.events.push_back(std::move(e));
  drift_events_.clear();
  std::optional<std::int64_t> minute;
  std::optional<int> minute_of_day;
  if (wall_clock_plausible(wall_ms)) {
    minute = wall_ms / 60000;  // plausible: positive
    minute_of_day = options_.timezone.minute_of_day(wall_ms);
    clock_reported_ = false;
  } else if (uses_time_ && !clock_reported_) {
    clock_reported_ = true;
    Event e = fault_event(wall_ms, "clock",
                          "the wall clock is not set (before 2024): `at` schedules and `time between` "
                          "wait for it; rules on sensors keep working");
    d.events.push_back(std::move(e));
  }
  Context ctx(points_, now, minute_of_day);
  for (size_t i = 0; i < rules_.rules.size(); ++i) {
    const Rule& r = rules_.rules[i];
    if (r.when) run_when_rule(r, runs_[i], ctx, now);
    else run_at_rule(r, runs_[i], ctx, now, minute, wall_ms, d.events);
  }
  last_minute_ = minute;
  for (auto it = overrides_.begin(); it != overrides_.end();)
    it = it->second.until <= now ? overrides_.erase(it) : std::next(it);

  for (const Change& c : arbiter_.decide(claims(now), now, wall_ms, d.events)) {
    const bool boolean = is_bool_point(config_, c.point);
    d.writes.push_back({c.point, c.value, c.reason});
    d.events.push_back(Event{wall_ms, "actuator",
                             {{"point", c.point}, {"value", json_value(boolean, c.value)}, {"reason", c.reason}}});
    writes_[c.point] = WriteState{c.value, c.reason, false, std::nullopt, true};
  }
  for (auto& [point, w] : writes_) {
    if (!w.failing || !w.retry_at || *w.retry_at > now) continue;
    // Captured through a plain reference: clang before 16 cannot capture a structured binding.
    const std::string& id = point;
    bool fresh = std::any_of(d.writes.begin(), d.writes.end(), [&](const Write& x) { return x.point == id; });
    if (!fresh) d.writes.push_back({point, w.value, w.reason});
    w.in_flight = true;
    w.retry_at = now + options_.retry_interval;
  }
  std::stable_sort(d.writes.begin(), d.writes.end(),
                   [](const Write& a, const Write& b) { return a.value == 0 && b.value != 0; });
  alarms_.evaluate(ctx, now, wall_ms, d.events);
  return d;
}

std::vector<Event> Engine::on_write_result(const std::string& point, bool ok, std::optional<double> readback,
                                           SteadyTime now, std::int64_t wall_ms) {
  std::vector<Event> out;
  auto it = writes_.find(point);
  if (it == writes_.end()) return out;
  WriteState& w = it->second;
  w.in_flight = false;
  if (ok && (!readback || *readback == w.value)) {
    w.failing = false;
    w.retry_at.reset();
    return out;
  }
  if (!w.failing) {
    const bool boolean = is_bool_point(config_, point);
    auto show = [&](double v) { return boolean ? std::string(v != 0 ? "on" : "off") : json_value(false, v).dump(); };
    std::string msg = !ok ? "writing " + show(w.value) + " failed; retrying"
                          : "wrote " + show(w.value) + " but read back " + show(*readback) + "; retrying";
    const config::Device* dev = nullptr;
    config_.find_point(point, &dev);
    out.push_back(fault_event(wall_ms, "actuator", msg, dev ? dev->name : "", "", point));
  }
  w.failing = true;
  w.retry_at = now + options_.retry_interval;
  return out;
}

CommandResult Engine::set_override(const std::string& point, double value, Duration hold,
                                   const std::string& cmd_id, SteadyTime now) {
  const config::Point* p = config_.find_point(point);
  if (!p) return {false, "unknown point " + point};
  if (!p->writable) return {false, point + " is not writable"};
  const bool boolean = p->type == config::ValueType::boolean;
  if (boolean && value != 0 && value != 1) return {false, point + " is on/off: the value must be true or false"};
  if (hold.count() <= 0 || hold > options_.max_hold) return {false, std::string("hold must be more than 0 and at most ") + kMaxHoldText};
  if (!arbiter_.has(point)) {
    Arbiter::Spec s;
    s.point = point;
    s.boolean = boolean;
    s.limits.point = point;
    arbiter_.add(s);
  }
  overrides_[point] = Override{value, now + hold, cmd_id};
  return {};
}

CommandResult Engine::release(const std::string& point, const std::string& /*cmd_id*/) {
  overrides_.erase(point);
  return {};
}

}  // namespace farmgate::rules
