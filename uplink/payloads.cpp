#include "uplink/payloads.h"

#include <nlohmann/json.hpp>

namespace farmgate::uplink {
namespace {

// ordered_json keeps the keys in the order of spec §5, so payloads read like its examples.
using json = nlohmann::ordered_json;

json reading_json(const store::StoredReading& sr) {
  const Reading& r = sr.reading;
  json j = {{"seq", sr.seq}, {"point", r.point}, {"ts", r.ts_ms}};
  // An error reading has no value; a bad one still carries what was decoded.
  if (r.quality == Quality::error || !r.value) {
    j["value"] = nullptr;
  } else if (r.boolean) {
    j["value"] = *r.value != 0;
  } else {
    j["value"] = *r.value;
  }
  if (!r.unit.empty()) j["unit"] = r.unit;
  j["quality"] = to_string(r.quality);
  return j;
}

// The health figures, in either JSON flavour: ordered for the status payload, plain for the
// `status` command's result (which merges them into its own object).
template <typename J>
J buffer_json(const store::BufferStats& b) {
  J buffer = {{"unsent", b.unsent}};
  if (b.oldest_unsent_ts) buffer["oldest_unsent_ts"] = *b.oldest_unsent_ts;
  buffer["dropped"] = b.dropped;
  return buffer;
}

template <typename J>
J devices_json(const std::map<std::string, DeviceHealth>& health) {
  J devices = J::object();
  for (const auto& [name, h] : health) {
    J d = {{"ok", h.ok}, {"errors", h.errors}};
    if (!h.last_error.empty()) d["last_error"] = h.last_error;
    devices[name] = std::move(d);
  }
  return devices;
}

json online_json(const StatusSnapshot& s) {
  return {{"state", "online"},
          {"version", s.version},
          {"started", s.started_ms},
          {"config", s.config_sha256}};
}

}  // namespace

std::string telemetry_payload(const std::string& gateway_id,
                              const std::vector<store::StoredReading>& readings) {
  json list = json::array();
  for (const auto& r : readings) list.push_back(reading_json(r));
  return json{{"gateway", gateway_id}, {"readings", std::move(list)}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

std::string event_payload(const store::StoredEvent& e) {
  json j = {{"seq", e.seq}, {"ts", e.event.ts_ms}, {"type", e.event.type}};
  if (e.event.fields.is_object()) {
    for (const auto& [key, value] : e.event.fields.items()) {
      // seq/ts/type are the envelope's; a field must not shadow them.
      if (key != "seq" && key != "ts" && key != "type" && !value.is_null()) j[key] = value;
    }
  }
  // Invalid UTF-8 in a message (a device's error text) must not stop the uplink.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string online_status_payload(const StatusSnapshot& s) { return online_json(s).dump(); }

std::string periodic_status_payload(const StatusSnapshot& s, const store::BufferStats& b) {
  json j = online_json(s);
  j["buffer"] = buffer_json<json>(b);
  j["devices"] = devices_json<json>(s.devices);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

nlohmann::json status_figures(const StatusSnapshot& s, const store::BufferStats& b) {
  return {{"devices", devices_json<nlohmann::json>(s.devices)},
          {"buffer", buffer_json<nlohmann::json>(b)}};
}

std::string offline_status_payload() { return R"({"state":"offline"})"; }

}  // namespace farmgate::uplink
