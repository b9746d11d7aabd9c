// The control scenarios of spec §4, each on a virtual clock (one tick per virtual second).
#include <catch2/catch.hpp>

#include "tests/rules/sim.h"

using namespace farmgate;
using namespace farmgate::rules;
using namespace farmgate::rules::fixture;

namespace {

const char* kAerate = R"(
rules:
  - name: aerate-low-oxygen
    when: pond1_do.do < 4.0 for 2m
    until: pond1_do.do > 6.0
    set: { pond1_relay.aerator: on }
actuators:
  pond1_relay.aerator: { failsafe: on, min_on: 5m, min_off: 1m }
)";


}  // namespace

TEST_CASE("a night oxygen crash starts the aerator after `for`, hysteresis stops it", "[scenario]") {
  Sim sim(kAerate, kNight, {{kAerator, 0}});
  sim.sensor["pond1_do.do"] = 7.0;
  sim.run_until(600);
  CHECK(sim.changes.empty());
  sim.sensor["pond1_do.do"] = 3.5;  // read at t=610
  sim.run_until(610 + 119);
  CHECK(sim.state(kAerator) == 0);  // not held 2m yet
  sim.run_until(610 + 121);
  CHECK(sim.state(kAerator) == 1);
  sim.sensor["pond1_do.do"] = 5.0;  // inside the band: keeps running
  sim.run_until(2000);
  CHECK(sim.state(kAerator) == 1);
  sim.sensor["pond1_do.do"] = 6.5;  // read at t=2010: released at once
  sim.run_until(2010);
  CHECK(sim.state(kAerator) == 0);
  auto ch = sim.changes_of(kAerator);
  REQUIRE(ch.size() == 2);
  CHECK(ch[0].t == 730);
  CHECK(ch[0].reason == "rule aerate-low-oxygen");
  CHECK(ch[1].t == 2010);
  CHECK(ch[1].reason == "default");
  auto ev = sim.events_of("actuator");
  REQUIRE(ev.size() == 2);
  CHECK(ev[0].fields == nlohmann::json{{"point", kAerator}, {"value", true}, {"reason", "rule aerate-low-oxygen"}});
  CHECK(ev[0].ts_ms == kNight + 730 * 1000);
}

TEST_CASE("a dead oxygen probe turns the aerator on (failsafe) within stale_after plus one poll", "[scenario]") {
  Sim sim(kAerate, kNight, {{kAerator, 0}});
  sim.sensor["pond1_do.do"] = 7.0;
  sim.run_until(100);  // last good reading at t=100
  sim.sensor["pond1_do.do"] = std::nullopt;  // reads fail from now on
  sim.run_until(129);
  CHECK(sim.state(kAerator) == 0);  // the last good value is still usable
  sim.run_until(100 + 30 + 10);
  CHECK(sim.state(kAerator) == 1);
  auto ch = sim.changes_of(kAerator);
  REQUIRE(ch.size() == 1);
  CHECK(ch[0].t == 130);
  CHECK(ch[0].reason == "failsafe");
  // The probe comes back with a good value: after min_on the rule (inactive) lets it go.
  sim.sensor["pond1_do.do"] = 7.0;
  sim.run_until(130 + 299);
  CHECK(sim.state(kAerator) == 1);
  sim.run_until(130 + 301);
  CHECK(sim.state(kAerator) == 0);
}

TEST_CASE("a bad reading triggers the failsafe at once", "[scenario]") {
  Sim sim(kAerate, kNight, {{kAerator, 0}});
  sim.sensor["pond1_do.do"] = 7.0;
  sim.run_until(100);
  sim.sensor["pond1_do.do"] = std::nan("");
  sim.run_until(110);
  REQUIRE(sim.changes_of(kAerator).size() == 1);
  CHECK(sim.changes_of(kAerator)[0].t == 110);
  CHECK(sim.changes_of(kAerator)[0].reason == "failsafe");
}

TEST_CASE("a point not read since start is pending: no failsafe until stale_after", "[scenario]") {
  Sim sim(kAerate, kNight, {{kAerator, 0}});
  sim.engine().release(kAerator, "x");  // (no effect; keeps the API honest)
  sim.run_until(29);
  CHECK(sim.changes.empty());
  // Stale at 30s; the failsafe then waits for min_off (1m), counted from the state read at start.
  sim.run_until(59);
  CHECK(sim.changes.empty());
  sim.run_until(61);
  REQUIRE(sim.changes_of(kAerator).size() == 1);
  CHECK(sim.changes_of(kAerator)[0].t == 60);
  CHECK(sim.changes_of(kAerator)[0].reason == "failsafe");
}

TEST_CASE("max_on cuts the drip valve, raises an alarm, waits for release and then min_off", "[scenario]") {
  Sim sim(R"(
rules:
  - name: drip-zone-1
    when: gh1_soil.vwc < 25
    until: gh1_soil.vwc > 35
    set: { gh1_valves.zone1: on }
actuators:
  gh1_valves.zone1: { max_on: 45m, min_off: 10m }
)", kNight, {{"gh1_valves.zone1", 0}});
  sim.sensor["gh1_soil.vwc"] = 20.0;  // a broken sensor would keep it on forever
  sim.run_until(600);  // min_off counts from the state read at start
  REQUIRE(sim.state("gh1_valves.zone1") == 1);
  const int on_at = sim.changes_of("gh1_valves.zone1")[0].t;
  CHECK(on_at == 600);
  sim.run_until(on_at + 45 * 60 + 1);
  CHECK(sim.state("gh1_valves.zone1") == 0);
  auto ch = sim.changes_of("gh1_valves.zone1");
  REQUIRE(ch.size() == 2);
  CHECK(ch[1].t == on_at + 45 * 60);
  CHECK(ch[1].reason == "max_on");
  auto alarms = sim.events_of("alarm");
  REQUIRE(alarms.size() == 1);
  CHECK(alarms[0].fields["name"] == "gh1_valves.zone1 max_on");
  CHECK(alarms[0].fields["state"] == "raised");
  sim.run(3600);  // the rule still wants water: stays off
  CHECK(sim.state("gh1_valves.zone1") == 0);
  CHECK(sim.changes_of("gh1_valves.zone1").size() == 2);
  sim.sensor["gh1_soil.vwc"] = 40.0;  // the rule releases...
  sim.run(20);
  REQUIRE(sim.events_of("alarm").size() == 2);
  CHECK(sim.events_of("alarm")[1].fields["state"] == "cleared");
  const int released = sim.t - 10;  // the vwc poll is every 10s
  sim.sensor["gh1_soil.vwc"] = 20.0;  // ...and wants water again at once: min_off first
  sim.run_until(released + 10 * 60 - 15);
  CHECK(sim.state("gh1_valves.zone1") == 0);
  sim.run_until(released + 10 * 60 + 15);
  CHECK(sim.state("gh1_valves.zone1") == 1);
}

TEST_CASE("max_on also cuts a manual override, which must end before the valve runs again", "[scenario]") {
  Sim sim("actuators:\n  gh1_valves.zone1: { max_on: 10m }\n", kNight, {{"gh1_valves.zone1", 0}});
  REQUIRE(sim.engine().set_override("gh1_valves.zone1", 1, std::chrono::hours(2), "c-1", sim.now()).ok);
  sim.run(10 * 60 + 5);
  CHECK(sim.state("gh1_valves.zone1") == 0);
  sim.run(600);
  CHECK(sim.state("gh1_valves.zone1") == 0);
  REQUIRE(sim.engine().release("gh1_valves.zone1", "c-2").ok);
  REQUIRE(sim.engine().set_override("gh1_valves.zone1", 1, std::chrono::hours(2), "c-3", sim.now()).ok);
  sim.run(2);
  CHECK(sim.state("gh1_valves.zone1") == 1);
  auto ch = sim.changes_of("gh1_valves.zone1");
  REQUIRE(ch.size() == 3);
  CHECK(ch[0].reason == "override c-1");
  CHECK(ch[1].reason == "max_on");
  CHECK(ch[2].reason == "override c-3");
}

TEST_CASE("the feeder pulses at its times, skipped while `unless` holds", "[scenario]") {
  Sim sim(R"(
rules:
  - name: feed
    at: ["07:00", "17:30"]
    for: 90s
    unless: pond1_do.do < 3.5
    set: { pond1_relay.feeder: on }
)", utc_ms("2026-06-01 06:58"), {{"pond1_relay.feeder", 0}});
  sim.sensor["pond1_do.do"] = 6.0;
  sim.run_until(120 + 89);
  CHECK(sim.state("pond1_relay.feeder") == 1);
  sim.run_until(120 + 91);
  CHECK(sim.state("pond1_relay.feeder") == 0);
  auto ch = sim.changes_of("pond1_relay.feeder");
  REQUIRE(ch.size() == 2);
  CHECK(ch[0].t == 120);  // 07:00:00
  CHECK(ch[0].reason == "rule feed");
  CHECK(ch[1].t == 210);
  sim.sensor["pond1_do.do"] = 3.0;  // low oxygen at 17:30: no feeding
  sim.run_until(11 * 3600);
  CHECK(sim.changes_of("pond1_relay.feeder").size() == 2);
  sim.sensor["pond1_do.do"] = std::nullopt;  // probe dead at 07:00 next day: skipped, said so
  sim.run_until(24 * 3600 + 200);
  CHECK(sim.changes_of("pond1_relay.feeder").size() == 2);
  auto faults = sim.events_of("fault");
  REQUIRE(faults.size() == 1);
  CHECK(faults[0].fields["source"] == "actuator");
  CHECK(faults[0].fields["point"] == "pond1_relay.feeder");
}

TEST_CASE("a manual override holds, then expires and the rules take over", "[scenario]") {
  Sim sim(R"(
rules:
  - name: aerate
    when: pond1_do.do < 4.0
    set: { pond1_relay.aerator: on }
)", kNight, {{kAerator, 0}});
  sim.sensor["pond1_do.do"] = 3.0;
  sim.run(15);
  REQUIRE(sim.state(kAerator) == 1);
  auto r = sim.engine().set_override(kAerator, 0, std::chrono::minutes(30), "c-17", sim.now());
  REQUIRE(r.ok);
  sim.run(1);
  CHECK(sim.state(kAerator) == 0);
  CHECK(sim.engine().override_active(kAerator));
  sim.run(30 * 60 - 2);
  CHECK(sim.state(kAerator) == 0);
  sim.run(2);
  CHECK(sim.state(kAerator) == 1);
  auto ch = sim.changes_of(kAerator);
  REQUIRE(ch.size() == 3);
  CHECK(ch[1].reason == "override c-17");
  CHECK(ch[2].reason == "rule aerate");
  CHECK(ch[2].t == 15 + 30 * 60);  // the hold counts from the command
  // release ends a hold early and is idempotent
  REQUIRE(sim.engine().set_override(kAerator, 0, std::chrono::hours(1), "c-18", sim.now()).ok);
  sim.run(1);
  CHECK(sim.state(kAerator) == 0);
  CHECK(sim.engine().release(kAerator, "c-19").ok);
  CHECK(sim.engine().release(kAerator, "c-20").ok);
  sim.run(1);
  CHECK(sim.state(kAerator) == 1);
}

TEST_CASE("overrides that cannot be honoured are refused with the reason", "[scenario]") {
  Sim sim(kAerate, kNight, {{kAerator, 0}});
  auto& e = sim.engine();
  CHECK(e.set_override("pond1_do.do", 1, std::chrono::minutes(1), "c", sim.now()).error == "pond1_do.do is not writable");
  CHECK(e.set_override("nope.x", 1, std::chrono::minutes(1), "c", sim.now()).error == "unknown point nope.x");
  CHECK_FALSE(e.set_override(kAerator, 5, std::chrono::minutes(1), "c", sim.now()).ok);
  CHECK_FALSE(e.set_override(kAerator, 1, std::chrono::hours(25), "c", sim.now()).ok);
  CHECK(e.set_override(kAerator, 1, std::chrono::hours(24), "c", sim.now()).ok);
  CHECK(e.set_override("pond1_relay.speed", 1500, std::chrono::hours(1), "c", sim.now()).ok);
  sim.run(1);
  CHECK(sim.state("pond1_relay.speed") == 1500);
}

TEST_CASE("failsafe: hold keeps the actuator as it is", "[scenario]") {
  const char* rules = R"(
rules:
  - name: aerate
    when: pond1_do.do < 4.0
    set: { pond1_relay.aerator: on }
actuators:
  pond1_relay.aerator: { failsafe: hold }
)";
  for (double before : {0.0, 1.0}) {
    Sim sim(rules, kNight, {{kAerator, 0}});
    sim.sensor["pond1_do.do"] = before ? 3.0 : 5.0;
    sim.run(15);
    REQUIRE(sim.state(kAerator) == before);
    sim.sensor["pond1_do.do"] = std::nullopt;
    sim.run(600);
    CHECK(sim.state(kAerator) == before);
  }
}

TEST_CASE("the failsafe outranks a manual override", "[scenario]") {
  Sim sim(kAerate, kNight, {{kAerator, 0}});
  sim.sensor["pond1_do.do"] = 7.0;
  sim.run(5);
  REQUIRE(sim.engine().set_override(kAerator, 0, std::chrono::hours(1), "c-1", sim.now()).ok);
  sim.sensor["pond1_do.do"] = std::nan("");
  sim.run(60);  // min_off (1m) since the state read at start
  CHECK(sim.state(kAerator) == 1);
  REQUIRE_FALSE(sim.changes_of(kAerator).empty());
  CHECK(sim.changes_of(kAerator).back().reason == "failsafe");
}

TEST_CASE("two rules on one actuator are settled by priority", "[scenario]") {
  Sim sim(R"(
rules:
  - name: circulate-when-hot
    when: pond1_do.temp > 30
    set: { pond1_relay.pump: on }
  - name: stop-pump-low-oxygen
    when: pond1_do.do < 3
    set: { pond1_relay.pump: off }
    priority: 10
)", kNight, {{"pond1_relay.pump", 0}});
  sim.sensor["pond1_do.temp"] = 32.0;
  sim.sensor["pond1_do.do"] = 5.0;
  sim.run(15);
  CHECK(sim.state("pond1_relay.pump") == 1);
  sim.sensor["pond1_do.do"] = 2.0;
  sim.run(10);
  CHECK(sim.state("pond1_relay.pump") == 0);
  CHECK(sim.changes_of("pond1_relay.pump").back().reason == "rule stop-pump-low-oxygen");
  sim.sensor["pond1_do.do"] = 5.0;
  sim.run(10);
  CHECK(sim.state("pond1_relay.pump") == 1);
  CHECK(sim.changes_of("pond1_relay.pump").back().reason == "rule circulate-when-hot");
}

namespace {

std::string two_zones(const std::string& actuators, int prio1, int prio2) {
  return R"(
rules:
  - name: water-1
    when: gh1_soil.vwc < 25
    set: { gh1_valves.zone1: on }
    priority: )" + std::to_string(prio1) + R"(
  - name: water-2
    when: gh1_soil.vwc < 30
    set: { gh1_valves.zone2: on }
    priority: )" + std::to_string(prio2) + "\nactuators:\n" + actuators;
}

const std::string kZ1 = "gh1_valves.zone1", kZ2 = "gh1_valves.zone2";

}  // namespace

TEST_CASE("exclusive_with: the higher priority runs, whichever side declares it", "[scenario]") {
  for (const std::string decl : {"  gh1_valves.zone1: { exclusive_with: [gh1_valves.zone2] }\n",
                                 "  gh1_valves.zone2: { exclusive_with: [gh1_valves.zone1] }\n"}) {
    Sim sim(two_zones(decl, 5, 0), kNight, {{kZ1, 0}, {kZ2, 0}});
    sim.exclusive = {{kZ1, kZ2}};
    sim.sensor["gh1_soil.vwc"] = 20.0;
    sim.run(60);
    CHECK(sim.state(kZ1) == 1);
    CHECK(sim.state(kZ2) == 0);
    sim.sensor["gh1_soil.vwc"] = 27.0;  // only zone2 wants water now: it gets it
    sim.run(20);
    CHECK(sim.state(kZ1) == 0);
    CHECK(sim.state(kZ2) == 1);
  }
}

TEST_CASE("exclusive_with: at equal priority the running one keeps running", "[scenario]") {
  Sim sim(two_zones("  gh1_valves.zone1: { exclusive_with: [gh1_valves.zone2] }\n", 0, 0), kNight,
          {{kZ1, 0}, {kZ2, 0}});
  sim.exclusive = {{kZ1, kZ2}};
  sim.sensor["gh1_soil.vwc"] = 27.0;
  sim.run(20);
  REQUIRE(sim.state(kZ2) == 1);
  sim.sensor["gh1_soil.vwc"] = 20.0;  // now both want water
  sim.run(60);
  CHECK(sim.state(kZ1) == 0);
  CHECK(sim.state(kZ2) == 1);
}

TEST_CASE("exclusive_with: at equal priority, neither running, the first declared wins", "[scenario]") {
  for (auto [decl, winner] :
       {std::pair<std::string, std::string>{"  gh1_valves.zone1: { exclusive_with: [gh1_valves.zone2] }\n", kZ1},
        {"  gh1_valves.zone2: { exclusive_with: [gh1_valves.zone1] }\n", kZ2}}) {
    Sim sim(two_zones(decl, 0, 0), kNight, {{kZ1, 0}, {kZ2, 0}});
    sim.exclusive = {{kZ1, kZ2}};
    sim.sensor["gh1_soil.vwc"] = 20.0;
    sim.run(60);
    CHECK(sim.state(winner) == 1);
    CHECK(sim.state(winner == kZ1 ? kZ2 : kZ1) == 0);
  }
}

TEST_CASE("exclusive_with: a switch-over waits for the running one's min_on", "[scenario]") {
  Sim sim(R"(
rules:
  - name: water-1
    when: gh1_soil.vwc < 25
    set: { gh1_valves.zone1: on }
  - name: cool-2
    when: pond1_do.temp > 30
    set: { gh1_valves.zone2: on }
    priority: 10
actuators:
  gh1_valves.zone1: { exclusive_with: [gh1_valves.zone2], min_on: 5m }
)", kNight, {{kZ1, 0}, {kZ2, 0}});
  sim.exclusive = {{kZ1, kZ2}};
  sim.sensor["pond1_do.temp"] = 20.0;
  sim.sensor["gh1_soil.vwc"] = 20.0;  // zone1 starts...
  sim.run(15);
  REQUIRE(sim.state(kZ1) == 1);
  sim.sensor["pond1_do.temp"] = 35.0;  // ...zone2 (higher priority) wants it, zone1 must run 5m
  sim.run(60);
  CHECK(sim.state(kZ1) == 1);
  CHECK(sim.state(kZ2) == 0);
  sim.run(5 * 60);
  CHECK(sim.state(kZ1) == 0);
  CHECK(sim.state(kZ2) == 1);
}

TEST_CASE("a restart mid-irrigation keeps the valve on and counts min_on from start", "[scenario]") {
  const char* rules = R"(
rules:
  - name: drip
    when: gh1_soil.vwc < 25
    until: gh1_soil.vwc > 35
    set: { gh1_valves.zone1: on }
actuators:
  gh1_valves.zone1: { min_on: 20m }
)";
  SECTION("still dry: no write at all") {
    Sim sim(rules, kNight, {{kZ1, 1}});
    sim.sensor["gh1_soil.vwc"] = 22.0;
    sim.run(3600);
    CHECK(sim.writes.empty());
    CHECK(sim.state(kZ1) == 1);
  }
  SECTION("wet enough: off only once min_on has passed since start") {
    Sim sim(rules, kNight, {{kZ1, 1}});
    sim.sensor["gh1_soil.vwc"] = 40.0;
    sim.run(20 * 60 - 1);
    CHECK(sim.state(kZ1) == 1);
    sim.run(2);
    CHECK(sim.state(kZ1) == 0);
    REQUIRE(sim.changes_of(kZ1).size() == 1);
    CHECK(sim.changes_of(kZ1)[0].t == 20 * 60);
  }
}

TEST_CASE("a night-time rule runs from 22:00 to 06:00 across midnight", "[scenario]") {
  Sim sim(R"(
rules:
  - name: night-circulation
    when: pond1_do.temp > 0 and time between 22:00 and 06:00
    set: { pond1_relay.pump: on }
)", utc_ms("2026-06-01 21:50"), {{"pond1_relay.pump", 0}});
  sim.sensor["pond1_do.temp"] = 20.0;
  sim.run(24 * 3600);
  auto ch = sim.changes_of("pond1_relay.pump");
  REQUIRE(ch.size() == 2);
  CHECK(ch[0].t == 10 * 60);              // 22:00
  CHECK(ch[0].value == 1);
  CHECK(ch[1].t == (8 * 60 + 10) * 60);   // 06:00
  CHECK(ch[1].value == 0);
}

TEST_CASE("schedules use the gateway's timezone", "[scenario]") {
  auto tz = TimeZone::load("Asia/Shanghai");
  REQUIRE(tz);
  EngineOptions opts;
  opts.timezone = *tz;
  Sim sim(R"(
rules:
  - name: feed
    at: ["07:00"]
    for: 1m
    set: { pond1_relay.feeder: on }
)", utc_ms("2026-05-31 22:50"), {{"pond1_relay.feeder", 0}}, opts);  // 06:50 in Shanghai
  sim.run(20 * 60);
  REQUIRE_FALSE(sim.changes_of("pond1_relay.feeder").empty());
  CHECK(sim.changes_of("pond1_relay.feeder")[0].t == 10 * 60);
}

TEST_CASE("an unset wall clock suspends schedules, says so once, and sensor rules keep working", "[scenario]") {
  std::string rules = std::string(kAerate) + R"(
  - name: feed
    at: ["07:00"]
    for: 90s
    set: { pond1_relay.feeder: on }
  - name: night-circulation
    when: time between 22:00 and 06:00
    set: { pond1_relay.pump: on }
)";
  // The extra rules go under `rules:`: move actuators to the end.
  rules = R"(
rules:
  - name: aerate-low-oxygen
    when: pond1_do.do < 4.0
    set: { pond1_relay.aerator: on }
  - name: feed
    at: ["07:00"]
    for: 90s
    set: { pond1_relay.feeder: on }
  - name: night-circulation
    when: time between 00:00 and 23:59
    set: { pond1_relay.pump: on }
)";
  Sim sim(rules, 3600 * 1000LL * 7, {{kAerator, 0}, {"pond1_relay.feeder", 0}, {"pond1_relay.pump", 0}});  // 1970
  sim.sensor["pond1_do.do"] = 3.0;
  sim.run(3600);
  CHECK(sim.state(kAerator) == 1);
  CHECK(sim.state("pond1_relay.feeder") == 0);
  CHECK(sim.state("pond1_relay.pump") == 0);
  auto faults = sim.events_of("fault");
  REQUIRE(faults.size() == 1);
  CHECK(faults[0].fields["source"] == "clock");
}

TEST_CASE("a write that reads back differently is a fault and is retried until it sticks", "[scenario]") {
  Sim sim(kAerate, kNight, {{kAerator, 0}});
  sim.stuck.insert(kAerator);
  sim.sensor["pond1_do.do"] = std::nan("");  // failsafe on, once min_off since start allows (60s)
  sim.run(83);
  auto writes = [&] {
    int n = 0;
    for (const auto& w : sim.writes) n += w.point == kAerator;
    return n;
  };
  CHECK(writes() == 1 + 4);  // the write at 60s, retries every 5s
  auto faults = sim.events_of("fault");
  REQUIRE(faults.size() == 1);
  CHECK(faults[0].fields["source"] == "actuator");
  CHECK(faults[0].fields["point"] == kAerator);
  CHECK(faults[0].fields["device"] == "pond1_relay");
  CHECK(faults[0].fields["message"] == "wrote on but read back off; retrying");
  sim.stuck.clear();
  sim.run(5);
  CHECK(sim.state(kAerator) == 1);
  const int settled = writes();
  sim.run(60);
  CHECK(writes() == settled);
  CHECK(sim.events_of("fault").size() == 1);
}

TEST_CASE("min_on and min_off protect against a flapping sensor", "[scenario]") {
  Sim sim(R"(
rules:
  - name: aerate
    when: pond1_do.do < 4.0
    set: { pond1_relay.aerator: on }
actuators:
  pond1_relay.aerator: { min_on: 5m, min_off: 1m }
)", kNight, {{kAerator, 0}});
  for (int i = 0; i < 360; ++i) {  // an hour, the probe flips every poll
    sim.sensor["pond1_do.do"] = i % 2 ? 4.1 : 3.9;
    sim.run(10);
  }
  auto ch = sim.changes_of(kAerator);
  REQUIRE(ch.size() >= 4);
  CHECK(ch.size() <= 2 * 60 / 6 + 1);
  for (size_t i = 1; i < ch.size(); ++i) {
    INFO("change " << i << " at t=" << ch[i].t);
    CHECK(ch[i].t - ch[i - 1].t >= (ch[i - 1].value ? 300 : 60));
  }
}
