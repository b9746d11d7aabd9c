#include "rules/arbiter.h"

#include <algorithm>

#include "rules/alarms.h"

namespace farmgate::rules {

namespace {

int rank(const Claim& c) {
  switch (c.source) {
    case Claim::Source::failsafe: return 3;
    case Claim::Source::override_: return 2;
    case Claim::Source::rule: return 1;
    case Claim::Source::default_: return 0;
  }
  return 0;
}

bool is_on(const std::optional<double>& v) { return v && *v != 0; }

std::string minutes(Duration d) {
  auto s = d.count() / 1000;
  return s % 60 ? std::to_string(s) + "s" : std::to_string(s / 60) + "m";
}

}  // namespace

Arbiter::Arbiter(std::vector<Spec> actuators) {
  for (auto& s : actuators) add(s);
}

void Arbiter::add(const Spec& spec) {
  if (has(spec.point)) return;
  index_[spec.point] = list_.size();
  Actuator a;
  a.spec = spec;
  list_.push_back(std::move(a));
}

void Arbiter::set_state(const std::string& point, double value, SteadyTime now) {
  auto it = index_.find(point);
  if (it == index_.end()) return;
  Actuator& a = list_[it->second];
  a.value = value;
  a.since = now;
  a.drifted = false;
}

std::optional<double> Arbiter::state(const std::string& point) const {
  auto it = index_.find(point);
  return it == index_.end() ? std::nullopt : list_[it->second].value;
}

std::map<std::string, Arbiter::Carried> Arbiter::carried() const {
  std::map<std::string, Carried> out;
  for (const auto& a : list_)
    out[a.spec.point] = Carried{a.value, a.reason, a.since, a.cut, a.cut_source, a.let_go};
  return out;
}

void Arbiter::restore(const std::string& point, const Carried& c) {
  auto it = index_.find(point);
  if (it == index_.end()) return;
  Actuator& a = list_[it->second];
  a.value = c.value;
  a.reason = c.reason;
  a.since = c.since;
  a.cut = c.cut;
  a.cut_source = c.cut_source;
  a.let_go = c.let_go;
}

std::optional<Arbiter::Drift> Arbiter::observe(const std::string& point, double found,
                                               SteadyTime now,
                                               const std::function<bool(double, double)>& same) {
  auto it = index_.find(point);
  if (it == index_.end()) return std::nullopt;
  Actuator& a = list_[it->second];
  if (!a.value || same(*a.value, found)) return std::nullopt;
  if (!a.drifted) a.decided = a.value;
  const Drift d{found, *a.decided};
  a.drifted = true;
  a.value = found;
  a.since = now;
  return d;
}

bool Arbiter::beats(const Actuator& a, const Claim& ca, const Actuator& b, const Claim& cb) const {
  if (rank(ca) != rank(cb)) return rank(ca) > rank(cb);
  if (ca.source == Claim::Source::rule && ca.priority != cb.priority) return ca.priority > cb.priority;
  if (on(a) != on(b)) return on(a);
  return index_.at(a.spec.point) < index_.at(b.spec.point);
}

std::vector<std::size_t> Arbiter::partners(std::size_t i) const {
  std::vector<std::size_t> out;
  const auto& xi = list_[i].spec.limits.exclusive_with;
  for (std::size_t j = 0; j < list_.size(); ++j) {
    if (j == i) continue;
    const auto& xj = list_[j].spec.limits.exclusive_with;
    if (std::count(xi.begin(), xi.end(), list_[j].spec.point) ||
        std::count(xj.begin(), xj.end(), list_[i].spec.point))
      out.push_back(j);
  }
  return out;
}

// Each actuator's claim (missing: default; a numeric one's default keeps its value) and what
// it wants. A claim that keeps the state keeps the decided one, also when the world changed it.
Arbiter::Round Arbiter::gather(const std::map<std::string, Claim>& claims) const {
  const std::size_t n = list_.size();
  Round r{std::vector<Claim>(n), std::vector<std::optional<double>>(n),
          std::vector<std::optional<double>>(n), std::vector<std::string>(n)};
  for (std::size_t i = 0; i < n; ++i) {
    const Actuator& a = list_[i];
    auto it = claims.find(a.spec.point);
    if (it != claims.end()) r.claim[i] = it->second;
    else if (!a.spec.boolean) r.claim[i].keep = true;
    const std::optional<double> current = a.drifted ? a.decided : a.value;
    r.want[i] = r.claim[i].keep ? current : std::optional<double>(r.claim[i].value);
    r.why[i] = r.claim[i].keep ? a.reason : r.claim[i].reason;
  }
  return r;
}

void Arbiter::hold_off_exclusive(Round& r) const {
  for (std::size_t i = 0; i < list_.size(); ++i)
    for (std::size_t j : partners(i))
      if (j > i && is_on(r.want[i]) && is_on(r.want[j])) {
        std::size_t loser = beats(list_[i], r.claim[i], list_[j], r.claim[j]) ? j : i;
        std::size_t winner = loser == i ? j : i;
        r.want[loser] = 0.0;
        r.why[loser] = "exclusive_with " + list_[winner].spec.point;
      }
}

bool Arbiter::apply_max_on(std::size_t i, Round& r, SteadyTime now, std::int64_t wall_ms,
                           std::vector<Event>& events) {
  Actuator& a = list_[i];
  const std::string alarm = a.spec.point + " max_on";
  if (a.cut) {
    if (is_on(r.want[i]) && r.why[i] == a.cut_source) {
      r.final_[i] = 0.0;
      r.why[i] = "max_on";
      return true;
    }
    a.cut = false;
    a.let_go = now;
    events.push_back(alarm_event(wall_ms, alarm, Severity::warning, false,
                                 a.spec.point + " released by " + a.cut_source + " after a max_on cut"));
  }
  const Duration max_on = a.spec.limits.max_on;
  if (!on(a) || !max_on.count() || now - a.since < max_on || !is_on(r.want[i])) return false;
  a.cut = true;
  a.cut_source = r.why[i];
  r.final_[i] = 0.0;
  r.why[i] = "max_on";
  events.push_back(alarm_event(wall_ms, alarm, Severity::warning, true,
                               a.spec.point + " was on for " + minutes(max_on) +
                                   " (max_on): forced off until " + a.cut_source + " lets go"));
  return true;
}

// A change waits until the current state has lasted min_on / min_off. An actuator the world
// switched on against the decision is switched off at once: min_on protects what we started.
void Arbiter::apply_min_times(std::size_t i, Round& r, SteadyTime now) const {
  const Actuator& a = list_[i];
  const ActuatorSpec& lim = a.spec.limits;
  const bool now_on = on(a), want_on = is_on(r.want[i]);
  bool wait = false;
  if (now_on && !want_on) {
    wait = !a.drifted && now - a.since < lim.min_on;
  } else if (!now_on && want_on) {
    const SteadyTime off_from = a.let_go ? std::max(a.since, *a.let_go) : a.since;
    wait = now - off_from < lim.min_off;
  }
  if (wait) {
    r.final_[i] = a.value;
    r.why[i] = a.reason;
  }
}

void Arbiter::keep_pairs_apart(Round& r) const {
  for (std::size_t i = 0; i < list_.size(); ++i)
    for (std::size_t j : partners(i))
      if (j > i && is_on(r.final_[i]) && is_on(r.final_[j])) {
        std::size_t loser;
        if (on(list_[i]) != on(list_[j])) loser = on(list_[i]) ? j : i;  // defer the newcomer
        else loser = beats(list_[i], r.claim[i], list_[j], r.claim[j]) ? j : i;
        r.final_[loser] = 0.0;
        if (!on(list_[loser])) r.why[loser] = list_[loser].reason;
        else r.why[loser] = "exclusive_with " + list_[loser == i ? j : i].spec.point;
      }
}

// Takes the decisions as done; the changes come turn-offs first.
std::vector<Change> Arbiter::commit(const Round& r, SteadyTime now) {
  std::vector<Change> changes;
  for (std::size_t i = 0; i < list_.size(); ++i) {
    Actuator& a = list_[i];
    const std::optional<double>& f = r.final_[i];
    if (!f || (a.value && *a.value == *f)) {
      if (f && a.value) a.reason = r.why[i];
      // The decision now agrees with what was found: nothing left to write back.
      if (a.drifted && r.want[i] && a.value && *r.want[i] == *a.value) a.drifted = false;
      continue;
    }
    a.value = f;
    a.since = now;
    a.reason = r.why[i];
    a.drifted = false;
    changes.push_back({a.spec.point, *f, r.why[i]});
  }
  std::stable_sort(changes.begin(), changes.end(),
                   [](const Change& x, const Change& y) { return x.value == 0 && y.value != 0; });
  return changes;
}

std::vector<Change> Arbiter::decide(const std::map<std::string, Claim>& claims, SteadyTime now,
                                    std::int64_t wall_ms, std::vector<Event>& events) {
  Round r = gather(claims);
  hold_off_exclusive(r);
  for (std::size_t i = 0; i < list_.size(); ++i) {
    r.final_[i] = r.want[i];
    // Unknown state or a numeric actuator: nothing to protect.
    if (!list_[i].spec.boolean || !list_[i].value) continue;
    if (!apply_max_on(i, r, now, wall_ms, events)) apply_min_times(i, r, now);
  }
  keep_pairs_apart(r);
  return commit(r, now);
}

}  // namespace farmgate::rules
