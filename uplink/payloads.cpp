#include "uplink/payloads.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace farmgate::uplink {
namespace {

// ordered_json keeps the keys in the order of spec §5, so payloads read like its examples.
using json = nlohmann::ordered_json;

// Telemetry is the hot path of a backlog drain (500 readings per message, thousands of
// messages after a long outage): it is written straight into the output string rather than
// through a JSON tree, which cost ~1 us per reading, a third of a message's time
// (bench/bench_drain; now ~0.25 us). Byte for byte what nlohmann::json's dump gives for the same object
// (tests/uplink/payloads_test.cpp compares the two on many readings); strings and numbers
// still go through nlohmann's own escaping and number formatting.
void append_string(std::string& out, const std::string& s) {
  bool plain = true;
  for (unsigned char c : s) {
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) {
      plain = false;
      break;
    }
  }
  out += '"';
  if (plain) {
    out += s;
  } else {
    // Escapes, UTF-8 passed through and invalid UTF-8 replaced, as everywhere else.
    const std::string quoted = json(s).dump(-1, ' ', false, json::error_handler_t::replace);
    out.append(quoted, 1, quoted.size() - 2);
  }
  out += '"';
}

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

void append_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";  // what dump() writes for NaN and infinities
    return;
  }
  char buf[64];
  // dump()'s own shortest round-trip formatting (grisu2, "21.0", "-1e-07").
  char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void append_reading(std::string& out, const store::StoredReading& sr, const Resolutions* res) {
  const Reading& r = sr.reading;
  out += R"({"seq":)";
  append_int(out, sr.seq);
  out += R"(,"point":)";
  append_string(out, r.point);
  out += R"(,"ts":)";
  append_int(out, r.ts_ms);
  out += R"(,"value":)";
  // An error reading has no value; a bad one still carries what was decoded.
  if (r.quality == Quality::error || !r.value) {
    out += "null";
  } else if (r.boolean) {
    out += *r.value != 0 ? "true" : "false";
  } else {
    append_double(out, res ? res->apply(r.point, *r.value) : *r.value);
  }
  if (!r.unit.empty()) {
    out += R"(,"unit":)";
    append_string(out, r.unit);
  }
  out += R"(,"quality":")";
  out += to_string(r.quality);
  out += "\"}";
}

// The health figures, in either JSON flavour: ordered for the status payload, plain for the
// `status` command's result (which merges them into its own object).
template <typename J>
J buffer_json(const store::BufferStats& b) {
  J buffer = {{"unsent", b.unsent}};
  if (b.oldest_unsent_ts) buffer["oldest_unsent_ts"] = *b.oldest_unsent_ts;
  buffer["dropped"] = b.dropped;
  // Always present, null while healthy: a platform tells "no fault" from an old gateway.
  if (b.fault) {
    buffer["fault"] = J{{"message", b.fault->message}, {"since", b.fault->since_ms}};
  } else {
    buffer["fault"] = nullptr;
  }
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
                              const std::vector<store::StoredReading>& readings,
                              const Resolutions* resolutions) {
  std::string out;
  out.reserve(40 + readings.size() * 110);
  out += R"({"gateway":)";
  append_string(out, gateway_id);
  out += R"(,"readings":[)";
  for (std::size_t i = 0; i < readings.size(); ++i) {
    if (i > 0) out += ',';
    append_reading(out, readings[i], resolutions);
  }
  out += "]}";
  return out;
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

std::string periodic_status_payload(const StatusSnapshot& s, const store::BufferStats& b,
                                    const LinkFigures* link) {
  json j = online_json(s);
  j["buffer"] = buffer_json<json>(b);
  j["devices"] = devices_json<json>(s.devices);
  if (link) {
    j["uplink"] = {{"bytes_sent",
                    {{"today", link->bytes_today}, {"since_start", link->bytes_since_start}}}};
    if (!link->broker.empty()) j["uplink"]["broker"] = link->broker;
  }
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

nlohmann::json status_figures(const StatusSnapshot& s, const store::BufferStats& b) {
  return {{"devices", devices_json<nlohmann::json>(s.devices)},
          {"buffer", buffer_json<nlohmann::json>(b)}};
}

nlohmann::json read_reply(const Reading& r, const Resolution& resolution) {
  nlohmann::json j = {{"quality", to_string(r.quality)}, {"ts", r.ts_ms}};
  if (!r.value) {
    j["value"] = nullptr;
  } else if (r.boolean) {
    j["value"] = *r.value != 0;
  } else {
    j["value"] = resolution.apply(*r.value);
  }
  if (!r.unit.empty()) j["unit"] = r.unit;
  return j;
}

std::string offline_status_payload() { return R"({"state":"offline"})"; }

}  // namespace farmgate::uplink
