#include <catch2/catch.hpp>

#include "rules/replay.h"
#include "tests/rules/sim.h"

using namespace farmgate;
using namespace farmgate::rules;
using namespace farmgate::rules::fixture;

TEST_CASE("replay tells what the rules would have done over recorded readings", "[replay]") {
  const auto cfg = farm();
  const auto rules = rules_from(R"(
rules:
  - name: aerate-low-oxygen
    when: pond1_do.do < 4.0 for 2m
    until: pond1_do.do > 6.0
    set: { pond1_relay.aerator: on }
actuators:
  pond1_relay.aerator: { failsafe: on }
alarms:
  - name: oxygen-critical
    when: pond1_do.do < 3.0
    severity: critical
    message: "oxygen {pond1_do.do}"
)", cfg);
  const std::int64_t t0 = utc_ms("2026-06-01 01:00");
  std::vector<Reading> readings;
  auto add = [&](int s, double v) {
    Reading r;
    r.point = "pond1_do.do";
    r.ts_ms = t0 + s * 1000LL;
    r.value = v;
    r.quality = Quality::good;
    readings.push_back(r);
  };
  for (int s = 0; s < 600; s += 10) add(s, 7.0);
  for (int s = 600; s < 1200; s += 10) add(s, 2.8);   // crash at 10 min
  for (int s = 1200; s <= 1800; s += 10) add(s, 6.5);  // recovered at 20 min
  ReplayOptions opts;
  opts.initial_states = {{"pond1_relay.aerator", 0}};
  auto result = replay(cfg, rules, readings, opts);
  REQUIRE(result.actuators.size() == 2);
  CHECK(result.actuators[0].ts_ms == t0 + 720 * 1000);
  CHECK(result.actuators[0].value == 1);
  CHECK(result.actuators[0].reason == "rule aerate-low-oxygen");
  CHECK(result.actuators[1].ts_ms == t0 + 1200 * 1000);
  CHECK(result.actuators[1].value == 0);
  int alarms = 0;
  for (const auto& e : result.events) alarms += e.type == "alarm";
  CHECK(alarms == 2);
}

TEST_CASE("replay takes the recorded actuator state as the state at start", "[replay]") {
  const auto cfg = farm();
  const auto rules = rules_from(R"(
rules:
  - name: drip
    when: gh1_soil.vwc < 25
    set: { gh1_valves.zone1: on }
)", cfg);
  const std::int64_t t0 = utc_ms("2026-06-01 01:00");
  std::vector<Reading> readings;
  for (int s = 0; s <= 600; s += 10) {
    Reading r;
    r.ts_ms = t0 + s * 1000LL;
    r.quality = Quality::good;
    r.point = "gh1_valves.zone1";
    r.value = 1;
    r.boolean = true;
    readings.push_back(r);
    r.point = "gh1_soil.vwc";
    r.value = 20;
    r.boolean = false;
    readings.push_back(r);
  }
  auto result = replay(cfg, rules, readings);
  CHECK(result.actuators.empty());  // it was already on, as the rule wants
}

TEST_CASE("replay of nothing is nothing", "[replay]") {
  const auto cfg = farm();
  auto result = replay(cfg, RuleSet{}, {});
  CHECK(result.actuators.empty());
  CHECK(result.events.empty());
}
