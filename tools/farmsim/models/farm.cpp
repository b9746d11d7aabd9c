#include "tools/farmsim/models/farm.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "tools/farmsim/models/kinds.h"

namespace farmsim::models {
namespace {

using Factory = std::unique_ptr<Physics> (*)(Params&);
const std::map<std::string, Factory>& factories() {
  static const std::map<std::string, Factory> f{
      {"pond", make_pond}, {"greenhouse", make_greenhouse}, {"weather", make_weather}};
  return f;
}

}  // namespace

bool load_farm(const YAML::Node& clock, const YAML::Node& models, FarmSpec* out, ErrorFn error) {
  bool ok = true;
  auto fail = [&](const YAML::Node& n, const std::string& msg) {
    ok = false;
    error(n, msg);
  };
  if (clock) {
    if (!clock.IsMap()) {
      fail(clock, "'clock' must be a map: { speed: 120, start: \"18:00\", unit: 99 }");
    } else {
      Params p(clock, "'clock'", fail);
      out->clock.speed = p.number("speed", 120, 0, 1e6);
      out->clock.start_s = p.time_of_day("start", 18 * 3600);
      out->clock_unit = p.unit("unit", false);
      p.finish();
    }
  }
  if (!models) return ok;
  if (!models.IsSequence()) {
    fail(models, "'models' must be a list, e.g. - { kind: pond, probe: 2, ... }");
    return ok;
  }
  for (const auto& m : models) {
    if (!m.IsMap() || !m["kind"] || !m["kind"].IsScalar()) {
      fail(m, "a model is a map with 'kind' (pond, greenhouse, weather)");
      continue;
    }
    std::string kind = m["kind"].Scalar();
    auto f = factories().find(kind);
    if (f == factories().end()) {
      fail(m["kind"], "unknown model kind '" + kind + "' (pond, greenhouse, weather)");
      continue;
    }
    Params p(m, "a " + kind + " model", fail);
    p.known("kind");
    auto physics = f->second(p);
    p.finish();
    if (p.ok()) out->physics.push_back(std::move(physics));
  }
  return ok;
}

void FarmModel::tick(RegisterBank& bank, std::chrono::milliseconds elapsed) {
  constexpr double kMaxStepS = 60;
  double left = std::max(0.0, double(elapsed.count()) / 1000.0 * spec_.clock.speed);
  do {
    double step = std::min(left, kMaxStepS);
    spec_.clock.elapsed_s += step;
    for (auto& p : spec_.physics) p->step(bank, spec_.clock, step / 3600.0);
    left -= step;
  } while (left > 0);
  publish_clock(bank);
}

void FarmModel::publish_clock(RegisterBank& bank) {
  if (!spec_.clock_unit) return;
  UnitTables& u = bank.unit(*spec_.clock_unit);
  if (!u.contains(Table::holding, 0, 4)) return;
  auto secs = static_cast<uint32_t>(std::min(spec_.clock.elapsed_s, 4294967295.0));
  u.set(Table::holding, 0, uint16_t(secs >> 16));
  u.set(Table::holding, 1, uint16_t(secs & 0xFFFF));
  u.set(Table::holding, 2, uint16_t(spec_.clock.hour_of_day() * 60));
  u.set(Table::holding, 3, uint16_t(spec_.clock.day()));
}

}  // namespace farmsim::models
