#include "rules/replay.h"

#include <map>

namespace farmgate::rules {

ReplayResult replay(const config::Config& config, const RuleSet& rules, const std::vector<Reading>& readings,
                    const ReplayOptions& options) {
  ReplayResult out;
  if (readings.empty()) return out;
  const std::int64_t t0 = readings.front().ts_ms, t_end = readings.back().ts_ms;
  // Steady time = wall time of the recording, shifted to an arbitrary origin.
  auto steady = [&](std::int64_t wall) { return SteadyTime{} + Duration(wall - t0) + Duration(1); };
  EngineOptions engine_options = options.engine;
  engine_options.reconcile = false;  // the recorded coil states are history, not a board reset
  Engine engine(config, rules, steady(t0), engine_options);
  for (const auto& [point, value] : options.initial_states) engine.on_actuator_state(point, value, steady(t0));
  if (options.initial_states.empty()) {
    // As the daemon reads actuators before driving them: take each writable point's first
    // good reading of the first minute as its state at start.
    std::map<std::string, bool> seen;
    for (const auto& r : readings) {
      if (r.ts_ms > t0 + 60000) break;
      const config::Point* p = config.find_point(r.point);
      if (p && p->writable && r.quality == Quality::good && r.value && !seen[r.point]) {
        seen[r.point] = true;
        engine.on_actuator_state(r.point, *r.value, steady(t0));
      }
    }
  }
  size_t next = 0;
  const std::int64_t step = std::max<std::int64_t>(1, options.step.count());
  for (std::int64_t wall = t0;; wall += step) {
    if (wall > t_end) wall = t_end;
    for (; next < readings.size() && readings[next].ts_ms <= wall; ++next)
      engine.on_reading(readings[next], steady(readings[next].ts_ms));
    Decisions d = engine.tick(steady(wall), wall);
    for (const auto& w : d.writes) {
      engine.on_write_result(w.point, true, w.value, steady(wall), wall);
      out.actuators.push_back({wall, w.point, w.value, w.reason});
    }
    out.events.insert(out.events.end(), d.events.begin(), d.events.end());
    if (wall >= t_end) break;
  }
  return out;
}

}  // namespace farmgate::rules
