// Profile `thingsboard` (spec §8): ThingsBoard's gateway MQTT API. The gateway is one
// ThingsBoard device ("is gateway" on, its access token the MQTT username); each configured
// device becomes a ThingsBoard device of its own through v1/gateway/*.
//
// ThingsBoard keeps nothing retained and has no quality: status is attributes (the last
// value is what ThingsBoard shows), and an `error` reading is left out of the values (the
// device's `errors` attribute counts it).
#include <map>
#include <utility>

#include "uplink/profile.h"

namespace farmgate::uplink {
namespace {

using json = nlohmann::ordered_json;

constexpr const char* kConnect = "v1/gateway/connect";
constexpr const char* kTelemetry = "v1/gateway/telemetry";
constexpr const char* kAttributes = "v1/gateway/attributes";
constexpr const char* kRpc = "v1/gateway/rpc";
constexpr const char* kOwnAttributes = "v1/devices/me/attributes";
constexpr const char* kOwnTelemetry = "v1/devices/me/telemetry";

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// {"D":{"ok":…,"errors":…,"last_error":…}} for every device with figures.
std::string device_attributes(const StatusSnapshot& s) {
  json j = json::object();
  for (const auto& [name, h] : s.devices) {
    json d = {{"ok", h.ok}, {"errors", h.errors}};
    if (!h.last_error.empty()) d["last_error"] = h.last_error;
    j[name] = std::move(d);
  }
  return dump(j);
}

// An RPC id as farmgate's command id: ThingsBoard sends a number, the §5 id is text.
std::string id_text(const nlohmann::json& id) {
  if (id.is_string()) return id.get<std::string>();
  if (id.is_number_integer() || id.is_number_unsigned()) return id.dump();
  return "";
}

class ThingsboardProfile final : public Profile {
 public:
  explicit ThingsboardProfile(const config::Config& config) { set_config(config); }

  // A device added by a reload is connected at once (the others again: harmless).
  bool set_config(const config::Config& config) override {
    std::vector<std::string> devices;
    for (const auto& d : config.devices) devices.push_back(d.name);
    const bool changed = devices != devices_;
    devices_ = std::move(devices);
    return changed;
  }

  std::vector<std::string> command_topics() const override { return {kRpc}; }

  // ThingsBoard forgets which devices a gateway serves when the session ends: connect every
  // one again on every connect, before any telemetry names them.
  std::vector<Message> on_connect(const StatusSnapshot& s) override {
    std::vector<Message> out;
    for (const auto& name : devices_) out.push_back({kConnect, dump(json{{"device", name}})});
    out.push_back({kOwnAttributes, online_status_payload(s)});
    if (!s.devices.empty()) out.push_back({kAttributes, device_attributes(s)});
    return out;
  }

  std::vector<Message> status(const StatusSnapshot& s, const store::BufferStats& buffer,
                              const LinkFigures& link) override {
    std::vector<Message> out{{kOwnAttributes, periodic_status_payload(s, buffer, &link)}};
    if (!s.devices.empty()) out.push_back({kAttributes, device_attributes(s)});
    return out;
  }

  Message offline() const override { return {kOwnAttributes, offline_status_payload()}; }

  // {"ts":…,"values":{"event":{…the §5 event…}}} on the gateway's own telemetry.
  Message event(const store::StoredEvent& e) override {
    json ev = json::parse(event_payload(e), nullptr, false);
    return {kOwnTelemetry, dump(json{{"ts", e.event.ts_ms}, {"values", {{"event", std::move(ev)}}}})};
  }

  // {"D":[{"ts":…,"values":{"POINT":v,…}},…],…}: devices in order of first appearance, one
  // entry per (device, ts) — a poll's readings share one ts (drivers/modbus). A batch of
  // nothing but error readings is "{}": still one message, so its PUBACK settles its seqs.
  std::vector<Message> telemetry(const std::vector<store::StoredReading>& readings) override {
    json out = json::object();
    std::map<std::pair<std::string, std::int64_t>, std::size_t> entry;  // -> index in D's list
    for (const auto& sr : readings) {
      const Reading& r = sr.reading;
      if (r.quality == Quality::error || !r.value) continue;
      const auto dot = r.point.find('.');
      const std::string device = r.point.substr(0, dot);
      const std::string point = dot == std::string::npos ? r.point : r.point.substr(dot + 1);
      json& list = out[device];
      if (list.is_null()) list = json::array();
      auto [it, fresh] = entry.try_emplace({device, r.ts_ms}, list.size());
      if (fresh) list.push_back(json{{"ts", r.ts_ms}, {"values", json::object()}});
      json& values = list[it->second]["values"];
      if (r.boolean)
        values[point] = *r.value != 0;
      else
        values[point] = *r.value;
    }
    return {{kTelemetry, dump(out)}};
  }

  // {"device":D,"data":{"id":N,"method":M,"params":{…}}} -> the §5 command
  // {"id":"N","op":M,"point":"D.POINT","value":…,"hold":…}, checked by parse_command.
  Incoming incoming(const std::string&, const std::string& payload,
                    const config::Config& config) override {
    std::optional<IncomingCommand> in = command(payload, config);
    if (!in) return {};
    return Incoming{{std::move(*in)}, false};
  }

  // {"device":D,"id":N,"data":{"ok":…,…}}: the result without its id, which is N outside.
  std::optional<std::string> answer(const nlohmann::json& reply_to,
                                    const std::string& result) const override {
    if (!reply_to.is_object() || !reply_to.contains("device")) return std::nullopt;
    json data = json::parse(result, nullptr, false);
    if (!data.is_object()) return std::nullopt;
    data.erase("id");
    json j = {{"device", reply_to["device"]}};
    if (reply_to.contains("id")) j["id"] = reply_to["id"];
    j["data"] = std::move(data);
    return dump(j);
  }
  std::string result_topic() const override { return kRpc; }
  // Our own replies come back on the RPC topic and may be longer than any request (a
  // `status` answer names every device): they are read up to this to be told apart from
  // requests; a request itself is still refused over kMaxCommandBytes.
  std::size_t max_incoming_bytes() const override { return 64u << 10; }

 private:
  std::optional<IncomingCommand> command(const std::string& payload,
                                         const config::Config& config) const {
    std::string duplicate;
    const nlohmann::json j = parse_noting_duplicates(payload, &duplicate);
    IncomingCommand in{Refusal{}, "", nullptr};
    Refusal& r = std::get<Refusal>(in.parsed);
    if (j.is_discarded() || !j.is_object()) {
      r.error = j.is_discarded() ? "malformed JSON" : "an RPC must be a JSON object";
      return in;  // nobody to answer: no device
    }
    const auto data = j.find("data");
    // Our own replies come back here ({"device","id","data":{"ok":…}}): no method, no request.
    if (data == j.end() || !data->is_object() || !data->contains("method")) return std::nullopt;
    const auto device = j.find("device");
    const auto id = data->find("id");
    if (device != j.end() && device->is_string() && duplicate != "device") {
      in.reply_to["device"] = *device;
      if (id != data->end() && duplicate != "id") in.reply_to["id"] = *id;
    }
    r.id = id != data->end() && duplicate != "id" ? id_text(*id) : "";
    if (in.reply_to.contains("device"))
      in.key = in.reply_to["device"].get<std::string>() + "/" + r.id;
    if (!duplicate.empty()) {
      r.error = "duplicate key \"" + duplicate + "\": a key may appear once in an object";
      return in;
    }
    if (payload.size() > kMaxCommandBytes) {
      r.error = oversized_error(payload.size());
      return in;
    }
    if (!in.reply_to.contains("device")) {
      r.error = "`device` is missing or not a string";
      return in;
    }
    if (r.id.empty()) {
      r.error = "`data.id` is missing (a number or a string)";
      return in;
    }
    const auto method = data->find("method");
    if (!method->is_string()) {
      r.error = "`method` must be a string";
      return in;
    }
    nlohmann::json cmd = {{"id", r.id}, {"op", *method}};
    const auto params = data->find("params");
    if (params != data->end() && !params->is_null()) {
      if (!params->is_object()) {
        r.op = method->get<std::string>();
        r.error = "`params` must be an object";
        return in;
      }
      if (auto p = params->find("point"); p != params->end())
        cmd["point"] = p->is_string()
                           ? nlohmann::json(device->get<std::string>() + "." + p->get<std::string>())
                           : *p;
      for (const char* key : {"value", "hold"})
        if (auto v = params->find(key); v != params->end()) cmd[key] = *v;
    }
    in.parsed = parse_command(cmd.dump(), config);
    if (auto* refused = std::get_if<Refusal>(&in.parsed)) {
      // The checks speak of §5's `op`; here the platform wrote `method`.
      if (refused->error.rfind("unknown op", 0) == 0)
        refused->error = "unknown method (expected set, release, read or status)";
    }
    return in;
  }

  std::vector<std::string> devices_;
};

}  // namespace

std::unique_ptr<Profile> thingsboard_profile(const config::Config& config) {
  return std::make_unique<ThingsboardProfile>(config);
}

}  // namespace farmgate::uplink
