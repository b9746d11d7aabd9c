#include "rules/point_state.h"

#include <algorithm>

namespace farmgate::rules {

PointState::PointState(const config::Config& config, SteadyTime start) {
  for (const auto& d : config.devices)
    for (const auto& p : d.points) {
      Entry& e = points_[p.id];
      e.stale_after = d.stale_after;
      e.start = e.history_from = start;
    }
}

std::unordered_map<std::string, PointState::Carried> PointState::carried() const {
  std::unordered_map<std::string, Carried> out;
  for (const auto& [id, e] : points_) {
    Carried c{e.start, e.history_from, e.keep, e.has_good, e.bad, e.last_good, e.last, {}};
    for (const auto& s : e.history) c.history.emplace_back(s.t, s.v);
    out[id] = std::move(c);
  }
  return out;
}

void PointState::restore(const std::string& id, const Carried& c, SteadyTime now) {
  Entry* e = find(id);
  if (!e) return;
  e->start = c.start;
  e->has_good = c.has_good;
  e->bad = c.bad;
  e->last_good = c.last_good;
  e->last = c.last;
  e->history.clear();
  if (e->keep.count() == 0) return;
  for (const auto& [t, v] : c.history) e->history.push_back({t, v});
  e->history_from = e->keep <= c.keep ? c.history_from : now;
}

PointState::Entry* PointState::find(const std::string& id) {
  auto it = points_.find(id);
  return it == points_.end() ? nullptr : &it->second;
}

const PointState::Entry* PointState::find(const std::string& id) const {
  auto it = points_.find(id);
  return it == points_.end() ? nullptr : &it->second;
}

void PointState::keep_history(const std::string& id, Duration span) {
  if (Entry* e = find(id)) e->keep = std::max(e->keep, span);
}

void PointState::on_reading(const Reading& r, SteadyTime now) {
  Entry* e = find(r.point);
  if (!e) return;
  switch (r.quality) {
    case Quality::error: return;  // keep the last good value until it is stale
    case Quality::bad: e->bad = true; return;
    case Quality::good: break;
  }
  if (!r.value) return;
  e->bad = false;
  e->has_good = true;
  e->last_good = now;
  e->last = *r.value;
  if (e->keep.count() > 0) {
    e->history.push_back({now, *r.value});
    // Keep one sample older than the window (delta needs it), plus a stale period.
    SteadyTime horizon = now - e->keep - e->stale_after;
    while (e->history.size() > 1 && e->history[1].t <= horizon) e->history.pop_front();
  }
}

Value PointState::value(const std::string& id, SteadyTime now) const {
  const Entry* e = find(id);
  if (!e) return Value{};
  if (e->bad) return Value{};
  if (!e->has_good)
    return now - e->start < e->stale_after ? Value{Value::Kind::pending, 0} : Value{};
  if (now - e->last_good >= e->stale_after) return Value{};
  return Value::of(e->last);
}

std::optional<double> PointState::computed(WindowFn fn, const Entry& e, double latest,
                                           SteadyTime from) {
  if (fn == WindowFn::delta) {
    const Sample* base = nullptr;
    for (const auto& s : e.history)
      if (s.t <= from) base = &s;
    if (!base || base->t < from - e.stale_after) return std::nullopt;
    return latest - base->v;
  }
  double sum = 0, lo = 0, hi = 0;
  int n = 0;
  bool reaches_back = false;
  for (const auto& s : e.history) {
    if (s.t <= from + e.stale_after) reaches_back = true;
    if (s.t < from) continue;
    lo = n ? std::min(lo, s.v) : s.v;
    hi = n ? std::max(hi, s.v) : s.v;
    sum += s.v;
    ++n;
  }
  if (n == 0 || !reaches_back) return std::nullopt;
  switch (fn) {
    case WindowFn::avg: return sum / n;
    case WindowFn::min: return lo;
    case WindowFn::max: return hi;
    case WindowFn::delta: break;
  }
  return std::nullopt;
}

Value PointState::window(WindowFn fn, const std::string& id, Duration span, SteadyTime now) const {
  Value cur = value(id, now);
  if (!cur.known()) return cur;  // a stale or bad point is unknown, a pending one pending
  const Entry* e = find(id);
  const SteadyTime from = now - span;
  if (auto v = computed(fn, *e, cur.number, from)) return Value::of(*v);
  // Not enough history. If the window reaches back into the start-up period (before the
  // point's first reading was even due, start + stale_after), the history is missing only
  // because we have not been running long enough: pending, so a restart holds the actuators
  // instead of failing them safe. Later, missing history means missing readings: unknown.
  if (from < e->history_from + e->stale_after) return Value{Value::Kind::pending, 0};
  return Value{};
}

}  // namespace farmgate::rules
