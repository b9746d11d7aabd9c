#include "http/status_json.h"
#include "uplink/resolution.h"

#include <algorithm>
#include <vector>

namespace farmgate::http {
namespace {

using json = nlohmann::json;

std::int64_t ms(Duration d) { return static_cast<std::int64_t>(d.count()); }

json value_of(std::optional<double> v, bool boolean) {
  if (!v) return nullptr;
  return boolean ? json(*v != 0) : json(*v);
}

const char* failsafe_name(rules::Failsafe f) {
  switch (f) {
    case rules::Failsafe::on: return "on";
    case rules::Failsafe::hold: return "hold";
    case rules::Failsafe::off: break;
  }
  return "off";
}

json points_json(const StatusInputs& in) {
  json points = json::array();
  for (const auto& d : in.config->devices) {
    for (const auto& p : d.points) {
      json j = {{"id", p.id}, {"device", d.name}, {"value", nullptr}, {"quality", "pending"}};
      if (!p.unit.empty()) j["unit"] = p.unit;
      if (p.writable) j["writable"] = true;
      auto it = in.live->latest().find(p.id);
      if (it != in.live->latest().end()) {
        const Reading& r = it->second;
        // At the point's resolution, as telemetry writes it (spec §8).
        std::optional<double> v = r.value;
        if (v) v = uplink::resolution_of(p).apply(*v);
        j["value"] = r.quality == Quality::error ? json(nullptr) : value_of(v, r.boolean);
        j["quality"] = to_string(r.quality);
        j["ts"] = r.ts_ms;
        j["age_ms"] = std::max<std::int64_t>(0, in.wall_ms - r.ts_ms);
        if (!r.error.empty()) j["error"] = r.error;
      }
      points.push_back(std::move(j));
    }
  }
  return points;
}

// Declared actuators first, then those only rules set, then those only a hold made managed.
std::vector<std::string> actuator_order(const StatusInputs& in) {
  std::vector<std::string> order;
  auto add = [&](const std::string& p) {
    if (std::find(order.begin(), order.end(), p) == order.end()) order.push_back(p);
  };
  for (const auto& a : in.rules->actuators) add(a.point);
  for (const auto& r : in.rules->rules)
    for (const auto& s : r.set) add(s.point);
  if (in.engine)
    for (const auto& [point, carried] : in.engine->actuators) add(point);
  return order;
}

json actuators_json(const StatusInputs& in) {
  json list = json::array();
  for (const auto& point : actuator_order(in)) {
    const config::Point* p = in.config->find_point(point);
    const bool boolean = p && p->type == config::ValueType::boolean;
    json j = {{"point", point}, {"state", nullptr}, {"reason", "default"}};
    if (in.engine) {
      if (auto it = in.engine->actuators.find(point); it != in.engine->actuators.end()) {
        const auto& a = it->second;
        j["state"] = value_of(a.value, boolean);
        j["reason"] = a.reason;
        if (a.value) j["since_ms"] = ms(std::chrono::duration_cast<Duration>(in.now - a.since));
        if (a.cut) j["cut"] = true;
      }
      if (auto it = in.engine->overrides.find(point); it != in.engine->overrides.end()) {
        const auto left = std::chrono::duration_cast<Duration>(it->second.until - in.now);
        j["override"] = {{"value", value_of(it->second.value, boolean)},
                         {"left_ms", std::max<std::int64_t>(0, ms(left))},
                         {"cmd", it->second.cmd_id}};
      }
    }
    j["failsafe"] = "off";
    for (const auto& spec : in.rules->actuators) {
      if (spec.point != point) continue;
      j["failsafe"] = failsafe_name(spec.failsafe);
      if (spec.min_on.count()) j["min_on_ms"] = ms(spec.min_on);
      if (spec.min_off.count()) j["min_off_ms"] = ms(spec.min_off);
      if (spec.max_on.count()) j["max_on_ms"] = ms(spec.max_on);
      if (!spec.exclusive_with.empty()) j["exclusive_with"] = spec.exclusive_with;
    }
    list.push_back(std::move(j));
  }
  return list;
}

json alarms_json(const StatusInputs& in) {
  json list = json::array();
  for (const auto& [name, a] : in.live->alarms())
    list.push_back({{"name", name}, {"severity", a.severity}, {"message", a.message}, {"since", a.since_ms}});
  return list;
}

}  // namespace

nlohmann::json status_json(const StatusInputs& in) {
  json j = {{"gateway", {{"id", in.config->gateway.id}, {"site", in.config->gateway.site}}},
            {"version", in.snapshot.version},
            {"started", in.snapshot.started_ms},
            {"config", in.snapshot.config_sha256},
            {"generated", in.wall_ms}};
  j["points"] = points_json(in);
  j["actuators"] = actuators_json(in);
  j["alarms"] = alarms_json(in);
  const json figures = uplink::status_figures(in.snapshot, in.buffer);
  j["devices"] = figures.at("devices");
  j["buffer"] = figures.at("buffer");
  json up = {{"configured", in.uplink.configured}};
  if (in.uplink.configured) {
    up["connected"] = in.uplink.connected;
    up["in_flight"] = in.uplink.in_flight;
    if (!in.uplink.broker.empty()) up["broker"] = in.uplink.broker;
    if (!in.uplink.last_error.empty()) up["last_error"] = in.uplink.last_error;
  }
  j["uplink"] = up;
  return j;
}

}  // namespace farmgate::http
