// A reload (SIGHUP) on the virtual clock: the engine built from the new rules takes over the
// running one's state (rules/engine_state.h), so editing a threshold neither drops a manual
// hold, raises an alarm again, nor restarts min_on.
#include <catch2/catch.hpp>

#include "tests/rules/sim.h"

using namespace farmgate;
using namespace farmgate::rules;
using namespace farmgate::rules::fixture;
using std::chrono::minutes;

namespace {

const std::string kZone1 = "gh1_valves.zone1";

std::string aerate(const std::string& when, const std::string& until, const std::string& extra = "") {
  return "rules:\n  - name: aerate\n    when: pond1_do.do < " + when + "\n    until: pond1_do.do > " +
         until + "\n    set: { pond1_relay.aerator: on }\n" + extra;
}

std::string alarm(const std::string& name, const std::string& below) {
  return "alarms:\n  - name: " + name + "\n    when: pond1_do.do < " + below +
         "\n    severity: critical\n    message: \"oxygen {pond1_do.do}\"\n";
}

std::vector<std::string> alarm_states(const Sim& sim) {
  std::vector<std::string> out;
  for (const auto& e : sim.events_of("alarm"))
    out.push_back(e.fields["name"].get<std::string>() + " " + e.fields["state"].get<std::string>());
  return out;
}

bool mentions(const std::vector<std::string>& notes, const std::string& text) {
  for (const auto& n : notes)
    if (n.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("a manual hold survives a reload that changes a threshold", "[reload]") {
  Sim sim(aerate("4.0", "6.0"), kNight, {{kAerator, 0}});
  sim.sensor[kDo] = 3.0;  // the rule wants the aerator on
  sim.run(15);
  REQUIRE(sim.state(kAerator) == 1);
  REQUIRE(sim.engine().set_override(kAerator, 0, minutes(30), "c-1", sim.now()).ok);
  sim.run(10);
  REQUIRE(sim.state(kAerator) == 0);

  CHECK(sim.reload(aerate("3.5", "6.0")).empty());
  CHECK(sim.engine().override_active(kAerator));
  const size_t changes = sim.changes.size();
  sim.run(30 * 60 - 12);
  CHECK(sim.state(kAerator) == 0);
  CHECK(sim.changes.size() == changes);  // not even a write with a new reason
  // The hold ends when the command said, counted from the command, not from the reload.
  sim.run(4);
  auto ch = sim.changes_of(kAerator);
  REQUIRE(ch.size() == 3);
  CHECK(ch[2].value == 1);
  CHECK(ch[2].reason == "rule aerate");
  CHECK(ch[2].t == 15 + 30 * 60);
}

TEST_CASE("a raised alarm is not raised again by a reload, and clears once", "[reload]") {
  Sim sim(alarm("oxygen-low", "3.0"), kNight);
  sim.sensor[kDo] = 2.0;
  sim.run(30);
  REQUIRE(alarm_states(sim) == std::vector<std::string>{"oxygen-low raised"});

  sim.reload(alarm("oxygen-low", "3.5"));  // a new threshold, still true
  sim.run(60);
  CHECK(sim.engine().alarm_raised("oxygen-low"));
  CHECK(alarm_states(sim) == std::vector<std::string>{"oxygen-low raised"});

  sim.sensor[kDo] = 5.0;
  sim.run(30);
  CHECK(alarm_states(sim) == std::vector<std::string>{"oxygen-low raised", "oxygen-low cleared"});
}

TEST_CASE("an alarm a reload removes while raised is cleared with an event", "[reload]") {
  Sim sim(alarm("oxygen-low", "3.0"), kNight);
  sim.sensor[kDo] = 2.0;
  sim.run(30);
  REQUIRE(sim.engine().alarm_raised("oxygen-low"));
  sim.reload(alarm("oxygen-very-low", "1.0"));
  sim.run(30);
  REQUIRE(alarm_states(sim) == std::vector<std::string>{"oxygen-low raised", "oxygen-low cleared"});
  auto cleared = sim.events_of("alarm").back();
  CHECK(cleared.fields["severity"] == "critical");
  CHECK(cleared.fields["message"] == "oxygen-low: removed by a config reload");
  CHECK(cleared.ts_ms == sim.wall() - 29 * 1000);  // stamped by the first tick after the reload
}

TEST_CASE("min_on counts on across a reload from when the actuator was switched", "[reload]") {
  const std::string limits = "actuators:\n  pond1_relay.aerator: { failsafe: on, min_on: 5m }\n";
  Sim sim(aerate("4.0", "6.0", limits), kNight, {{kAerator, 0}});
  sim.sensor[kDo] = 3.0;
  sim.run(20);
  auto ch = sim.changes_of(kAerator);
  REQUIRE(ch.size() == 1);
  const int on_at = ch[0].t;

  sim.run_until(200);
  sim.reload(aerate("4.0", "6.5", limits));  // the release threshold moves
  sim.sensor[kDo] = 7.0;                     // and oxygen is now past it
  sim.run_until(700);
  ch = sim.changes_of(kAerator);
  REQUIRE(ch.size() == 2);
  CHECK(ch[1].value == 0);
  CHECK(ch[1].t == on_at + 300);  // min_on from the switch-on, not 5 minutes from the reload
}

TEST_CASE("a rule changed by a reload keeps running until its new release condition",
          "[reload]") {
  Sim sim(aerate("4.0", "6.0"), kNight, {{kAerator, 0}});
  sim.sensor[kDo] = 3.0;
  sim.run(20);
  REQUIRE(sim.state(kAerator) == 1);
  sim.sensor[kDo] = 5.0;  // between the thresholds: the rule holds
  sim.run(20);
  sim.reload(aerate("4.5", "5.5"));
  sim.run(30);
  CHECK(sim.state(kAerator) == 1);  // the new `when` is false, but the rule was running
  CHECK(sim.changes_of(kAerator).size() == 1);
  sim.sensor[kDo] = 5.6;  // past the new `until`
  sim.run(20);
  CHECK(sim.state(kAerator) == 0);
}

TEST_CASE("an actuator whose rule a reload removed goes back to its default", "[reload]") {
  const std::string irrigate =
      "rules:\n  - name: irrigate\n    when: gh1_soil.vwc < 20\n    set: { gh1_valves.zone1: on }\n";
  Sim sim(irrigate + "actuators:\n  gh1_valves.zone1: { min_on: 2m }\n", kNight, {{kZone1, 0}});
  sim.sensor["gh1_soil.vwc"] = 10;
  sim.run(20);
  REQUIRE(sim.state(kZone1) == 1);
  const int on_at = sim.changes_of(kZone1)[0].t;
  sim.reload(aerate("4.0", "6.0"));  // irrigation rule and its actuator entry gone
  sim.run(300);
  auto ch = sim.changes_of(kZone1);
  REQUIRE(ch.size() == 2);
  CHECK(ch[1].value == 0);
  CHECK(ch[1].reason == "default");
  CHECK(ch[1].t == 21);  // min_on was removed with the entry: off at the first tick
  CHECK(on_at < 21);
}

TEST_CASE("a reload that keeps an actuator's failsafe applies it to the new rules", "[reload]") {
  const std::string limits = "actuators:\n  pond1_relay.aerator: { failsafe: on }\n";
  Sim sim(aerate("4.0", "6.0", limits), kNight, {{kAerator, 0}});
  sim.sensor[kDo] = 7.0;
  sim.run(30);
  REQUIRE(sim.state(kAerator) == 0);
  sim.sensor.erase(kDo);  // the probe goes silent after its reading at 30: stale at 60
  sim.run(20);
  sim.reload(aerate("3.0", "6.0", limits));
  sim.run(60);
  auto ch = sim.changes_of(kAerator);
  REQUIRE(ch.size() == 1);
  CHECK(ch[0].reason == "failsafe");
  CHECK(ch[0].t == 60);  // the reload grants no new start-up grace to a point already read
}

TEST_CASE("a hold on a point a reload made read-only is dropped, with a note", "[reload]") {
  Sim sim("rules: []\n", kNight, {{kFeeder, 0}});
  REQUIRE(sim.engine().set_override(kFeeder, 1, minutes(30), "c-9", sim.now()).ok);
  sim.run(5);
  REQUIRE(sim.state(kFeeder) == 1);

  config::Config changed = farm();
  for (auto& d : changed.devices)
    for (auto& p : d.points)
      if (p.id == kFeeder) p.writable = false;
  auto notes = sim.reload("rules: []\n", changed);
  CHECK(mentions(notes, "hold on pond1_relay.feeder (c-9) dropped"));
  CHECK_FALSE(sim.engine().override_active(kFeeder));
  const size_t writes = sim.writes.size();
  sim.run(60);
  CHECK(sim.writes.size() == writes);  // nobody drives it any more
  CHECK(sim.state(kFeeder) == 1);
}

TEST_CASE("an unchanged rule's `for` count goes on across a reload", "[reload]") {
  const std::string rules =
      "rules:\n  - name: aerate\n    when: pond1_do.do < 4.0\n    for: 2m\n    set: { pond1_relay.aerator: on }\n";
  Sim sim(rules, kNight, {{kAerator, 0}});
  sim.sensor[kDo] = 3.0;
  sim.run(100);  // true since the first reading at 10
  sim.reload(rules + alarm("oxygen-low", "1.0"));  // another part of the rules changed
  sim.run(100);
  auto ch = sim.changes_of(kAerator);
  REQUIRE(ch.size() == 1);
  CHECK(ch[0].t == 130);
}
