#include "bench/other_formats.h"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "bench/mqtt_publish.h"
#include "store/store.h"
#include "uplink/profile.h"
#include "uplink/resolution.h"

namespace farmgate::bench {
namespace {

// The readings of one device's poll: they share one ts (drivers/modbus), and come in order.
struct Poll {
  std::string device;
  std::vector<Reading> readings;  // values already at their resolution
};

std::vector<Poll> polls_of(const config::Config& config, const std::vector<Reading>& readings) {
  const uplink::Resolutions resolutions(config);
  std::vector<Poll> polls;
  std::map<std::pair<std::string, std::int64_t>, std::size_t> index;
  for (Reading r : readings) {
    const std::string device = r.point.substr(0, r.point.find('.'));
    auto [it, fresh] = index.try_emplace({device, r.ts_ms}, polls.size());
    if (fresh) polls.push_back({device, {}});
    if (r.value) r.value = resolutions.apply(r.point, *r.value);
    polls[it->second].readings.push_back(std::move(r));
  }
  return polls;
}

bool has_value(const Poll& poll) {
  for (const auto& r : poll.readings)
    if (r.value) return true;
  return false;
}

const char* telegraf_type(config::Table table) {
  switch (table) {
    case config::Table::holding:
      return "holding_register";
    case config::Table::input:
      return "input_register";
    case config::Table::coil:
      return "coil";
    case config::Table::discrete:
      return "discrete_input";
  }
  return "";
}

// Go's encoding/json writes a whole float64 without a fraction (900, not 900.0).
nlohmann::json go_number(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return static_cast<std::int64_t>(v);
  return v;
}

}  // namespace

WireCount thingsboard_per_poll(const config::Config& config, const std::vector<Reading>& readings) {
  const auto profile = uplink::make_profile(config);
  WireCount count;
  for (const Poll& poll : polls_of(config, readings)) {
    if (!has_value(poll)) continue;  // ThingsBoard leaves error readings out
    std::vector<store::StoredReading> stored;
    for (const auto& r : poll.readings) stored.push_back({0, r});
    for (const uplink::Message& m : profile->telemetry(stored)) {
      count.messages++;
      count.bytes += publish_packet_bytes(m.topic.size(), m.payload.size());
    }
  }
  return count;
}

WireCount telegraf_json(const config::Config& config, const std::vector<Reading>& readings) {
  const std::string host = config.gateway.id;
  const std::string topic = "telegraf/" + host + "/modbus";
  WireCount count;
  for (const Poll& poll : polls_of(config, readings)) {
    if (!has_value(poll)) continue;  // a failed read gives no metric
    const config::Device* device = config.find_device(poll.device);
    nlohmann::json fields = nlohmann::json::object();
    std::string type;
    for (const auto& r : poll.readings) {
      if (!r.value) continue;
      const config::Point* point = config.find_point(r.point);
      type = telegraf_type(point->table);
      fields[point->name] = r.boolean ? nlohmann::json(*r.value != 0 ? 1 : 0) : go_number(*r.value);
    }
    const nlohmann::json metric = {{"fields", fields},
                                   {"name", "modbus"},
                                   {"tags",
                                    {{"host", host},
                                     {"name", poll.device},
                                     {"slave_id", std::to_string(device->unit)},
                                     {"type", type}}},
                                   {"timestamp", poll.readings.front().ts_ms / 1000}};
    count.messages++;
    count.bytes += publish_packet_bytes(topic.size(), metric.dump().size());
  }
  return count;
}

}  // namespace farmgate::bench
