// Spec §7 "The world can change an actuator", in the engine on a virtual clock: a relay board
// that resets (coils off), a hand switch, a write not landed yet. The relays' states are
// polled like any point (Sim::polled).
#include <catch2/catch.hpp>

#include "tests/rules/sim.h"

using namespace farmgate;
using namespace farmgate::rules;
using namespace farmgate::rules::fixture;

namespace {

const char* kHoldOn = R"(
rules:
  - name: aerate-low-oxygen
    when: pond1_do.do < 4.0
    until: pond1_do.do > 6.0
    set: { pond1_relay.aerator: on }
actuators:
  pond1_relay.aerator: { failsafe: on, min_on: 5m, min_off: 1m }
)";

std::vector<Event> actuator_faults(const Sim& sim) {
  std::vector<Event> out;
  for (const auto& e : sim.events_of("fault"))
    if (e.fields["source"] == "actuator") out.push_back(e);
  return out;
}

}  // namespace

TEST_CASE("a relay board reset is switched back after min_off, with one fault per streak",
          "[reconcile]") {
  Sim sim(kHoldOn, kNight, {{kAerator, 1}});
  sim.polled.insert(kAerator);
  sim.sensor["pond1_do.do"] = 3.0;
  sim.run(100);
  REQUIRE(sim.state(kAerator) == 1);
  REQUIRE(sim.writes.empty());  // on at start, as the rule wants: nothing written
  REQUIRE(actuator_faults(sim).empty());

  sim.relay[kAerator] = 0;  // brown-out: the board comes back with every coil off
  sim.run(30);
  auto faults = actuator_faults(sim);
  REQUIRE(faults.size() == 1);
  CHECK(faults[0].fields["message"] == "found off, wanted on");
  CHECK(faults[0].fields["point"] == kAerator);
  CHECK(faults[0].fields["device"] == "pond1_relay");
  CHECK(faults[0].fields["bus"] == "rs485-1");
  CHECK(faults[0].ts_ms == kNight + 102 * 1000LL);  // seen at the relay's first poll after it
  CHECK(sim.state(kAerator) == 0);  // min_off (1m) from the drop seen at 102 s

  sim.run(35);  // t = 165: 63 s after the drop
  CHECK(sim.state(kAerator) == 1);
  auto ch = sim.changes_of(kAerator);
  REQUIRE(ch.size() == 1);
  CHECK(ch[0].t == 162);
  CHECK(ch[0].value == 1);
  CHECK(ch[0].reason == "rule aerate-low-oxygen");
  CHECK(actuator_faults(sim).size() == 1);
  // The actuator change is an event like any other.
  bool event = false;
  for (const auto& e : sim.events_of("actuator"))
    event = event || (e.fields["point"] == kAerator && e.fields["value"] == true);
  CHECK(event);

  // A second reset later is a new streak: a new fault.
  sim.run(100);
  sim.relay[kAerator] = 0;
  sim.run(4);
  CHECK(actuator_faults(sim).size() == 2);
}

TEST_CASE("an aerator switched on by hand against the rules is switched off at the next poll",
          "[reconcile]") {
  Sim sim(kHoldOn, kNight, {{kAerator, 0}});
  sim.polled.insert(kAerator);
  sim.sensor["pond1_do.do"] = 7.0;
  sim.run(400);
  sim.relay[kAerator] = 1;
  sim.run(2);
  CHECK(sim.state(kAerator) == 0);  // min_on protects what farmgate started, not this
  auto faults = actuator_faults(sim);
  REQUIRE(faults.size() == 1);
  CHECK(faults[0].fields["message"] == "found on, wanted off");
}

TEST_CASE("a numeric setpoint changed by another program is written back", "[reconcile]") {
  Sim sim(R"(
rules:
  - name: slow
    when: pond1_do.do > 5
    set: { pond1_relay.speed: 40 }
)", kNight, {{"pond1_relay.speed", 40}});
  sim.polled.insert("pond1_relay.speed");
  sim.sensor["pond1_do.do"] = 7.0;
  sim.run(10);
  REQUIRE(actuator_faults(sim).empty());
  sim.relay["pond1_relay.speed"] = 55;
  sim.run(3);
  CHECK(sim.state("pond1_relay.speed") == 40);
  auto faults = actuator_faults(sim);
  REQUIRE(faults.size() == 1);
  CHECK(faults[0].fields["message"] == "found 55.0, wanted 40.0");
}

TEST_CASE("a poll that ran before the write landed is not taken for a drift", "[reconcile]") {
  const config::Config cfg = farm();
  Engine e(cfg, rules_from(kHoldOn, cfg), SteadyTime{});
  SteadyTime t = SteadyTime{} + std::chrono::hours(1);
  e.on_actuator_state(kAerator, 0, SteadyTime{});  // off since start: min_off is long past
  Reading low;
  low.point = "pond1_do.do";
  low.quality = Quality::good;
  low.value = 3.0;
  e.on_reading(low, t);
  Decisions d = e.tick(t, kNight);
  REQUIRE(d.writes.size() == 1);
  CHECK(d.writes[0].value == 1);

  Reading old;  // polled while the write waited for the bus
  old.point = kAerator;
  old.quality = Quality::good;
  old.boolean = true;
  old.value = 0.0;
  e.on_reading(old, t + std::chrono::milliseconds(100));
  CHECK(e.on_write_result(kAerator, true, 1.0, t + std::chrono::milliseconds(200), kNight).empty());
  d = e.tick(t + std::chrono::seconds(1), kNight + 1000);
  CHECK(d.writes.empty());
  for (const auto& ev : d.events) CHECK(ev.type != "fault");
  CHECK(*e.actuator_state(kAerator) == 1);
}

TEST_CASE("error and bad readings of an actuator are not taken for its state", "[reconcile]") {
  const config::Config cfg = farm();
  Engine e(cfg, rules_from(kHoldOn, cfg), SteadyTime{});
  SteadyTime t = SteadyTime{} + std::chrono::hours(1);
  e.on_actuator_state(kAerator, 1, t);
  Reading failed;
  failed.point = kAerator;
  failed.quality = Quality::error;
  failed.error = "timeout";
  e.on_reading(failed, t);
  CHECK(*e.actuator_state(kAerator) == 1);
}

TEST_CASE("replay takes recorded actuator readings as history, not as drift", "[reconcile]") {
  const config::Config cfg = farm();
  EngineOptions options;
  options.reconcile = false;
  Engine e(cfg, rules_from(kHoldOn, cfg), SteadyTime{}, options);
  SteadyTime t = SteadyTime{} + std::chrono::hours(1);
  e.on_actuator_state(kAerator, 1, t);
  Reading off;
  off.point = kAerator;
  off.quality = Quality::good;
  off.value = 0.0;
  e.on_reading(off, t);
  CHECK(*e.actuator_state(kAerator) == 1);
  for (const auto& ev : e.tick(t, kNight).events) CHECK(ev.type != "fault");
}
