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

bool Arbiter::beats(const Actuator& a, const Claim& ca, const Actuator& b, const Claim& cb) const {
  if (rank(ca) != rank(cb)) return rank(ca) > rank(cb);
  if (ca.source == Claim::Source::rule && ca.priority != cb.priority) return ca.priority > cb.priority;
  if (on(a) != on(b)) return on(a);
  return index_.at(a.spec.point) < index_.at(b.spec.point);
}

std::vector<Change> Arbiter::decide(const std::map<std::string, Claim>& claims, SteadyTime now,
                                    std::int64_t wall_ms, std::vector<Event>& events) {
  const size_t n = list_.size();
  std::vector<Claim> claim(n);
  std::vector<std::optional<double>> want(n);
  std::vector<std::string> why(n);
  for (size_t i = 0; i < n; ++i) {
    auto it = claims.find(list_[i].spec.point);
    if (it != claims.end()) claim[i] = it->second;
    else if (!list_[i].spec.boolean) claim[i].keep = true;
    want[i] = claim[i].keep ? list_[i].value : std::optional<double>(claim[i].value);
    why[i] = claim[i].keep ? list_[i].reason : claim[i].reason;
  }
  auto is_on = [](const std::optional<double>& v) { return v && *v != 0; };
  auto partners = [&](size_t i) {
    std::vector<size_t> out;
    for (size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      const auto& xi = list_[i].spec.limits.exclusive_with;
      const auto& xj = list_[j].spec.limits.exclusive_with;
      if (std::count(xi.begin(), xi.end(), list_[j].spec.point) ||
          std::count(xj.begin(), xj.end(), list_[i].spec.point))
        out.push_back(j);
    }
    return out;
  };

  // 1. exclusivity between what is wanted.
  for (size_t i = 0; i < n; ++i)
    for (size_t j : partners(i))
      if (j > i && is_on(want[i]) && is_on(want[j])) {
        size_t loser = beats(list_[i], claim[i], list_[j], claim[j]) ? j : i;
        size_t winner = loser == i ? j : i;
        want[loser] = 0.0;
        why[loser] = "exclusive_with " + list_[winner].spec.point;
      }

  // 2. max_on and 3. min_on/min_off, per actuator.
  std::vector<std::optional<double>> final_(n);
  for (size_t i = 0; i < n; ++i) {
    Actuator& a = list_[i];
    const ActuatorSpec& lim = a.spec.limits;
    final_[i] = want[i];
    if (!a.spec.boolean || !a.value) continue;  // unknown state: nothing to protect yet
    const std::string alarm = a.spec.point + " max_on";
    if (a.cut) {
      if (is_on(want[i]) && why[i] == a.cut_source) {
        final_[i] = 0.0;
        why[i] = "max_on";
        continue;
      }
      a.cut = false;
      a.let_go = now;
      events.push_back(alarm_event(wall_ms, alarm, Severity::warning, false,
                                   a.spec.point + " released by " + a.cut_source + " after a max_on cut"));
    }
    if (on(a) && lim.max_on.count() && now - a.since >= lim.max_on) {
      if (is_on(want[i])) {
        a.cut = true;
        a.cut_source = why[i];
        final_[i] = 0.0;
        why[i] = "max_on";
        events.push_back(alarm_event(wall_ms, alarm, Severity::warning, true,
                                     a.spec.point + " was on for " + minutes(lim.max_on) +
                                         " (max_on): forced off until " + a.cut_source + " lets go"));
        continue;
      }
    }
    const bool now_on = on(a), want_on = is_on(want[i]);
    if (now_on && !want_on && now - a.since < lim.min_on) {
      final_[i] = a.value;
      why[i] = a.reason;
    } else if (!now_on && want_on) {
      SteadyTime off_from = a.let_go ? std::max(a.since, *a.let_go) : a.since;
      if (now - off_from < lim.min_off) {
        final_[i] = a.value;
        why[i] = a.reason;
      }
    }
  }

  // 4. never two of a pair on together.
  for (size_t i = 0; i < n; ++i)
    for (size_t j : partners(i))
      if (j > i && is_on(final_[i]) && is_on(final_[j])) {
        size_t loser;
        if (on(list_[i]) != on(list_[j])) loser = on(list_[i]) ? j : i;  // defer the newcomer
        else loser = beats(list_[i], claim[i], list_[j], claim[j]) ? j : i;
        final_[loser] = 0.0;
        if (!on(list_[loser])) why[loser] = list_[loser].reason;
        else why[loser] = "exclusive_with " + list_[loser == i ? j : i].spec.point;
      }

  std::vector<Change> changes;
  for (size_t i = 0; i < n; ++i) {
    Actuator& a = list_[i];
    if (!final_[i] || (a.value && *a.value == *final_[i])) {
      if (final_[i] && a.value) a.reason = why[i];
      continue;
    }
    a.value = final_[i];
    a.since = now;
    a.reason = why[i];
    changes.push_back({a.spec.point, *final_[i], why[i]});
  }
  std::stable_sort(changes.begin(), changes.end(),
                   [](const Change& x, const Change& y) { return x.value == 0 && y.value != 0; });
  return changes;
}

}  // namespace farmgate::rules
