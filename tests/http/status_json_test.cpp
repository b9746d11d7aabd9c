// The status JSON the page and `farmgate status` show, from what the daemon knows.
#include <catch2/catch.hpp>

#include "http/status_json.h"

using namespace farmgate;
using json = nlohmann::json;

TEST_CASE("the status says each point's value and age and each actuator's state and why", "[http][status]") {
  config::Config cfg;
  cfg.gateway.id = "gw";
  config::Device probe;
  probe.name = "pond1_do";
  probe.bus = "bus";
  config::Point dox;
  dox.name = "do";
  dox.id = "pond1_do.do";
  dox.unit = "mg/L";
  // A DO probe gives a float: its 5.62 is written as such (a uint16 at scale 1 would be 6,
  // the page writing values at their resolution like telemetry, spec §8).
  dox.type = config::ValueType::float32;
  config::Point temp = dox;
  temp.name = "temp";
  temp.id = "pond1_do.temp";
  temp.unit = "";
  config::Point never = dox;
  never.name = "never";
  never.id = "pond1_do.never";
  probe.points = {dox, temp, never};
  config::Device relay;
  relay.name = "relay";
  relay.bus = "bus";
  config::Point aerator;
  aerator.name = "aerator";
  aerator.id = "relay.aerator";
  aerator.table = config::Table::coil;
  aerator.type = config::ValueType::boolean;
  aerator.writable = true;
  config::Point valve = aerator;
  valve.name = "valve";
  valve.id = "relay.valve";
  relay.points = {aerator, valve};
  cfg.devices = {probe, relay};

  rules::RuleSet rs;
  rules::ActuatorSpec spec;
  spec.point = "relay.aerator";
  spec.failsafe = rules::Failsafe::on;
  spec.max_on = Duration(45 * 60000);
  spec.exclusive_with = {"relay.valve"};
  rs.actuators = {spec};

  const SteadyTime now = SteadyTime{} + std::chrono::hours(10);
  rules::EngineState es;
  rules::Arbiter::Carried on, off;
  on.value = 1.0;
  on.reason = "override page-1";
  on.since = now - std::chrono::minutes(3);
  off.value = 0.0;
  off.reason = "exclusive_with relay.aerator";
  off.since = now;
  es.actuators["relay.aerator"] = on;
  es.actuators["relay.valve"] = off;
  es.overrides["relay.aerator"] = rules::EngineState::Override{1.0, now + std::chrono::minutes(27), "page-1"};

  http::LiveView live;
  Reading r;
  r.point = "pond1_do.do";
  r.ts_ms = 1'000'000;
  r.value = 5.62;
  r.unit = "mg/L";
  r.quality = Quality::good;
  live.on_reading(r);
  Reading failed;
  failed.point = "pond1_do.temp";
  failed.ts_ms = 1'001'000;
  failed.quality = Quality::error;
  failed.error = "timeout";
  live.on_reading(failed);
  live.on_event(Event{1'000'500, "alarm", {{"name", "oxygen-low"}, {"severity", "critical"}, {"state", "raised"}, {"message", "DO 2.1"}}});
  live.on_event(Event{1'000'600, "alarm", {{"name", "other"}, {"severity", "info"}, {"state", "raised"}, {"message", "x"}}});
  live.on_event(Event{1'000'700, "alarm", {{"name", "other"}, {"state", "cleared"}}});

  http::StatusInputs in;
  in.config = &cfg;
  in.rules = &rs;
  in.engine = &es;
  in.live = &live;
  in.snapshot.version = "0.1.0";
  in.snapshot.devices["pond1_do"] = uplink::DeviceHealth{10, 1, "timeout"};
  in.buffer.unsent = 7;
  in.now = now;
  in.wall_ms = 1'002'000;
  json s = http::status_json(in);

  REQUIRE(s["points"].size() == 5);  // the relay's two as well
  CHECK(s["points"][0] == json({{"id", "pond1_do.do"}, {"device", "pond1_do"}, {"value", 5.62}, {"unit", "mg/L"},
                                {"quality", "good"}, {"ts", 1'000'000}, {"age_ms", 2000}}));
  CHECK(s["points"][1]["value"].is_null());
  CHECK(s["points"][1]["quality"] == "error");
  CHECK(s["points"][1]["error"] == "timeout");
  CHECK(s["points"][2]["quality"] == "pending");
  CHECK_FALSE(s["points"][2].contains("age_ms"));

  REQUIRE(s["actuators"].size() == 2);
  const json& a = s["actuators"][0];
  CHECK(a["point"] == "relay.aerator");
  CHECK(a["state"] == true);
  CHECK(a["reason"] == "override page-1");
  CHECK(a["override"] == json({{"value", true}, {"left_ms", 27 * 60000}, {"cmd", "page-1"}}));
  CHECK(a["since_ms"] == 3 * 60000);
  CHECK(a["failsafe"] == "on");
  CHECK(a["max_on_ms"] == 45 * 60000);
  CHECK(a["exclusive_with"] == json({"relay.valve"}));
  CHECK(s["actuators"][1]["reason"] == "exclusive_with relay.aerator");
  CHECK(s["actuators"][1]["state"] == false);

  REQUIRE(s["alarms"].size() == 1);
  CHECK(s["alarms"][0]["name"] == "oxygen-low");
  CHECK(s["devices"]["pond1_do"]["last_error"] == "timeout");
  CHECK(s["buffer"]["unsent"] == 7);
  CHECK(s["uplink"] == json({{"configured", false}}));

  in.uplink = {true, true, "mqtt://node2.example", "", 3};
  CHECK(http::status_json(in)["uplink"] ==
        json({{"configured", true}, {"connected", true}, {"broker", "mqtt://node2.example"}, {"in_flight", 3}}));
  in.uplink = {true, false, "", "connect to mqtt://node3.example failed: no connection", 0};
  CHECK(http::status_json(in)["uplink"] ==
        json({{"configured", true}, {"connected", false}, {"in_flight", 0},
              {"last_error", "connect to mqtt://node3.example failed: no connection"}}));
}
