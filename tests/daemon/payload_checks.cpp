#include "tests/daemon/payload_checks.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <map>

#include "tests/daemon/site.h"

namespace farmgate::test {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

// One line of compact JSON (§5): no newline inside, parses.
json parse_line(const ProbeMessage& m) {
  INFO(m.topic << ": " << m.payload);
  REQUIRE(m.payload.find('\n') == std::string::npos);
  json j = json::parse(m.payload, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  // Compact: exactly what a compact dump makes of it (keys in the order they came).
  REQUIRE(nlohmann::ordered_json::parse(m.payload).dump() == m.payload);
  return j;
}

void require_keys_within(const json& j, const std::set<std::string>& allowed) {
  for (const auto& [key, value] : j.items()) {
    INFO(j.dump() << ": key " << key);
    CHECK(allowed.count(key) == 1);
  }
}

}  // namespace

bool is_epoch_ms(const json& ts) {
  if (!ts.is_number_integer()) return false;
  std::int64_t t = ts.get<std::int64_t>();
  return t > now_ms() - 86400000 && t < now_ms() + 86400000;
}

void check_reading(const json& r) {
  INFO("reading " << r.dump());
  REQUIRE(r.is_object());
  require_keys_within(r, {"seq", "point", "ts", "value", "unit", "quality"});
  REQUIRE(r.contains("seq"));
  CHECK(r["seq"].is_number_integer());
  CHECK(r["seq"].get<std::int64_t>() > 0);
  REQUIRE(r.contains("point"));
  CHECK(r["point"].is_string());
  REQUIRE(r.contains("ts"));
  CHECK(is_epoch_ms(r["ts"]));
  REQUIRE(r.contains("value"));
  REQUIRE(r.contains("quality"));
  const std::string q = r["quality"].get<std::string>();
  CHECK((q == "good" || q == "bad" || q == "error"));
  if (q == "error") CHECK(r["value"].is_null());
  if (q == "good") CHECK((r["value"].is_boolean() || r["value"].is_number()));
  if (r.contains("unit")) {
    CHECK(r["unit"].is_string());
    CHECK_FALSE(r["unit"].get<std::string>().empty());  // a key with no value is left out
  }
}

void check_event(const json& e) {
  INFO("event " << e.dump());
  REQUIRE(e.is_object());
  CHECK(e["seq"].is_number_integer());
  CHECK(is_epoch_ms(e["ts"]));
  REQUIRE(e["type"].is_string());
  const std::string type = e["type"].get<std::string>();
  std::set<std::string> allowed{"seq", "ts", "type"};
  if (type == "actuator") {
    allowed.insert({"point", "value", "reason"});
    CHECK(e["point"].is_string());
    CHECK((e["value"].is_boolean() || e["value"].is_number()));
    CHECK(e["reason"].is_string());
  } else if (type == "alarm") {
    allowed.insert({"name", "severity", "state", "message"});
    CHECK(e["name"].is_string());
    CHECK(e["state"].is_string());
  } else if (type == "fault") {
    allowed.insert({"source", "device", "bus", "point", "message"});
    const std::string source = e.value("source", "");
    CHECK((source == "device" || source == "bus" || source == "storage" || source == "uplink" ||
           source == "actuator" || source == "clock"));
    CHECK(e["message"].is_string());
  } else if (type == "config") {
    allowed.insert({"state", "message"});
    const std::string state = e.value("state", "");
    CHECK((state == "reloaded" || state == "rejected"));
  } else if (type == "command") {
    allowed.insert({"id", "op", "point", "ok", "error"});
    CHECK(e["ok"].is_boolean());
    if (e.value("ok", true) == false) CHECK(e["error"].is_string());
  } else {
    FAIL("unknown event type " << type);
  }
  require_keys_within(e, allowed);
}

std::vector<json> telemetry_readings(const Probe& probe) {
  std::vector<json> out;
  for (const auto& m : probe.on("telemetry")) {
    json j = parse_line(m);
    INFO("telemetry " << m.payload);
    require_keys_within(j, {"gateway", "readings"});
    CHECK(j["gateway"] == kGatewayId);
    REQUIRE(j["readings"].is_array());
    CHECK_FALSE(j["readings"].empty());
    std::int64_t previous = 0;
    for (const auto& r : j["readings"]) {
      check_reading(r);
      CHECK(r["seq"].get<std::int64_t>() > previous);  // oldest first within a batch
      previous = r["seq"].get<std::int64_t>();
      out.push_back(r);
    }
  }
  return out;
}

std::set<std::int64_t> reading_seqs(const Probe& probe) {
  std::set<std::int64_t> seqs;
  for (const auto& r : telemetry_readings(probe)) seqs.insert(r["seq"].get<std::int64_t>());
  return seqs;
}

std::vector<json> first_deliveries(const Probe& probe) {
  std::set<std::int64_t> seen;
  std::vector<json> out;
  for (const auto& r : telemetry_readings(probe))
    if (seen.insert(r["seq"].get<std::int64_t>()).second) out.push_back(r);
  return out;
}

std::vector<json> events(const Probe& probe) {
  std::vector<json> out;
  for (const auto& m : probe.on("events")) {
    json e = parse_line(m);
    check_event(e);
    out.push_back(e);
  }
  return out;
}

std::vector<json> events_of(const Probe& probe, const std::string& type) {
  std::vector<json> out;
  for (const auto& e : events(probe))
    if (e["type"] == type) out.push_back(e);
  return out;
}

std::vector<json> command_results(const Probe& probe) {
  std::vector<json> out;
  for (const auto& m : probe.on("cmd/result")) out.push_back(parse_line(m));
  return out;
}

std::optional<json> result_of(const Probe& probe, const std::string& id) {
  for (const auto& r : command_results(probe))
    if (r.value("id", "") == id) return r;
  return std::nullopt;
}

std::int64_t newest_seq(const Probe& probe) {
  auto seqs = reading_seqs(probe);
  return seqs.empty() ? 0 : *seqs.rbegin();
}

std::optional<json> latest_status(const Probe& probe) {
  auto status = probe.on("status");
  if (status.empty()) return std::nullopt;
  return parse_line(status.back());
}

std::optional<json> latest_periodic_status(const Probe& probe) {
  auto status = probe.on("status");
  for (auto it = status.rbegin(); it != status.rend(); ++it) {
    json j = parse_line(*it);
    if (j.contains("buffer")) return j;
  }
  return std::nullopt;
}

std::set<std::string> thingsboard_values(const Probe& probe) {
  std::set<std::string> out;
  for (const auto& m : probe.messages()) {
    if (m.topic != "v1/gateway/telemetry") continue;
    const json j = json::parse(m.payload);
    REQUIRE(j.is_object());
    for (const auto& [device, entries] : j.items()) {
      REQUIRE(entries.is_array());
      for (const auto& e : entries) {
        REQUIRE(is_epoch_ms(e["ts"]));
        REQUIRE(e["values"].is_object());
        REQUIRE_FALSE(e["values"].empty());
        for (const auto& [point, value] : e["values"].items()) {
          CHECK((value.is_number() || value.is_boolean()));
          out.insert(device + "." + point + "@" + std::to_string(e["ts"].get<std::int64_t>()));
        }
      }
    }
  }
  return out;
}

std::set<std::string> sparkplug_values(TahuReader& reader) {
  std::set<std::string> out;
  std::map<std::string, std::map<std::uint64_t, std::string>> names;  // device -> alias -> point
  for (const auto& m : reader.messages()) {
    const std::string topic = m["topic"].get<std::string>();
    const bool birth = topic.find("/DBIRTH/") != std::string::npos;
    if (!birth && topic.find("/DDATA/") == std::string::npos) continue;
    const std::string device = topic.substr(topic.rfind('/') + 1);
    INFO(m.dump());
    for (const auto& metric : m["payload"]["metrics"]) {
      REQUIRE(metric.contains("alias"));
      const auto alias = metric["alias"].get<std::uint64_t>();
      if (birth) names[device][alias] = metric["name"].get<std::string>();
      REQUIRE(names[device].count(alias) == 1);
      if (metric["value"].is_null()) continue;
      CHECK((metric["value"].is_number() || metric["value"].is_boolean()));
      REQUIRE(is_epoch_ms(metric["timestamp"]));
      out.insert(device + "." + names[device][alias] + "@" +
                 std::to_string(metric["timestamp"].get<std::int64_t>()));
    }
  }
  return out;
}

}  // namespace farmgate::test
