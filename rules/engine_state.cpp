// Engine::export_state / import_state and the rule fingerprints they match rules by.
#include <sstream>

#include "rules/engine.h"

namespace farmgate::rules {

namespace {

void set_actions(std::ostream& out, const Rule& r) {
  for (const auto& s : r.set) out << " set " << s.point << "=" << s.value;
}

}  // namespace

std::string rule_drives(const Rule& r) {
  std::ostringstream out;
  out << (r.when ? "when" : "at");
  set_actions(out, r);
  return out.str();
}

std::string rule_text(const Rule& r) {
  std::ostringstream out;
  out << rule_drives(r) << "|priority " << r.priority;
  if (r.when) out << "|when " << r.when->text() << "|for " << r.hold.count();
  if (r.until) out << "|until " << r.until->text();
  if (!r.at.empty()) {
    out << "|at";
    for (int m : r.at) out << " " << m;
    out << "|for " << r.pulse.count();
  }
  if (r.unless) out << "|unless " << r.unless->text();
  return out.str();
}

EngineState Engine::export_state() const {
  EngineState s;
  s.overrides = overrides_;
  for (size_t i = 0; i < rules_.rules.size(); ++i) {
    const Rule& r = rules_.rules[i];
    const RuleRun& run = runs_[i];
    s.rules[r.name] = EngineState::RuleRun{rule_text(r), rule_drives(r), run.active, run.true_since,
                                           run.pulse_end};
  }
  s.actuators = arbiter_.carried();
  s.writes = writes_;
  s.alarms = alarms_.carried();
  s.points = points_.carried();
  s.last_minute = last_minute_;
  s.clock_reported = clock_reported_;
  return s;
}

std::vector<std::string> Engine::import_state(const EngineState& s, SteadyTime now) {
  std::vector<std::string> notes;
  auto writable = [&](const std::string& id) {
    const config::Point* p = config_.find_point(id);
    return p && p->writable ? p : nullptr;
  };
  // A point still written keeps being managed, even when no rule names it any more: then its
  // default applies (bool: off), instead of being left as the old rules drove it.
  auto manage = [&](const config::Point& p) {
    if (arbiter_.has(p.id)) return;
    Arbiter::Spec spec;
    spec.point = p.id;
    spec.boolean = p.type == config::ValueType::boolean;
    spec.limits.point = p.id;
    arbiter_.add(spec);
  };

  for (const auto& [id, c] : s.points) points_.restore(id, c, now);

  for (const auto& [point, o] : s.overrides) {
    if (o.until <= now) continue;
    const config::Point* p = writable(point);
    if (!p) {
      notes.push_back("hold on " + point + " (" + o.cmd_id + ") dropped: " + point +
                      " is no longer a writable point");
      continue;
    }
    if (p->type == config::ValueType::boolean && o.value != 0 && o.value != 1) {
      notes.push_back("hold on " + point + " (" + o.cmd_id + ") dropped: " + point + " is now on/off");
      continue;
    }
    manage(*p);
    overrides_[point] = o;
  }

  for (const auto& [point, c] : s.actuators) {
    if (!c.value && !arbiter_.has(point)) continue;  // never known, and no rule names it now
    const config::Point* p = writable(point);
    if (!p) {
      if (c.value) notes.push_back("actuator " + point + " is no longer a writable point: not driven any more");
      if (c.cut)
        carried_events_.push_back(alarm_event(0, point + " max_on", Severity::warning, false,
                                              point + " max_on: the point was removed by a config reload"));
      continue;
    }
    manage(*p);
    arbiter_.restore(point, c);
  }
  for (const auto& [point, w] : s.writes)
    if (arbiter_.has(point)) writes_[point] = w;

  for (size_t i = 0; i < rules_.rules.size(); ++i) {
    const Rule& r = rules_.rules[i];
    auto it = s.rules.find(r.name);
    if (it == s.rules.end()) continue;
    const EngineState::RuleRun& old = it->second;
    RuleRun& run = runs_[i];
    if (old.text == rule_text(r)) {
      run.active = old.active;
      run.true_since = old.true_since;
      run.pulse_end = old.pulse_end;
    } else if (old.drives == rule_drives(r)) {
      run.active = old.active && (r.when || old.pulse_end);
      run.pulse_end = r.when ? std::nullopt : old.pulse_end;
    }
  }

  for (const auto& [name, c] : s.alarms)
    if (!alarms_.restore(name, c) && c.raised)
      carried_events_.push_back(
          alarm_event(0, name, c.severity, false, name + ": removed by a config reload"));

  last_minute_ = s.last_minute;
  clock_reported_ = s.clock_reported;
  return notes;
}

}  // namespace farmgate::rules
