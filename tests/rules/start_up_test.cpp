// Windows (avg/min/max/delta) right after a restart, on the virtual clock: the history a
// window needs cannot exist yet, and that alone must not flip actuators to failsafe (spec §4
// "a restart does not flip actuators to failsafe"); a dead or bad probe still must.
#include <catch2/catch.hpp>

#include "tests/rules/sim.h"

using namespace farmgate;
using namespace farmgate::rules;
using namespace farmgate::rules::fixture;

namespace {

// pond1_do: poll 10s (readings at t = 10, 20, ...), stale_after 30s.
const char* kAverage = R"(
rules:
  - name: aerate-low-average
    when: avg(pond1_do.do, 10m) < 4.0
    until: avg(pond1_do.do, 10m) > 6.0
    set: { pond1_relay.aerator: on }
actuators:
  pond1_relay.aerator: { failsafe: on, min_on: 5m, min_off: 1m }
)";

const char* kFalling = R"(
rules:
  - name: aerate-falling-oxygen
    when: delta(pond1_do.do, 5m) < -2.0 or min(pond1_do.do, 5m) < 3.0
    until: delta(pond1_do.do, 5m) > 0 and max(pond1_do.do, 5m) > 5.0
    set: { pond1_relay.aerator: on }
actuators:
  pond1_relay.aerator: { failsafe: on }
)";

}  // namespace

TEST_CASE("after a restart an avg rule holds the actuator until its window has filled",
          "[start_up]") {
  Sim sim(kAverage, kNight, {{kAerator, 0}});
  sim.sensor[kDo] = 7.0;
  sim.run_until(1200);
  // Before the fix the window was unknown for ~10 minutes: failsafe on at t=60 (min_off).
  CHECK(sim.changes.empty());
  CHECK(sim.events_of("actuator").empty());
  CHECK(sim.state(kAerator) == 0);
  // The rule works on the filled window: oxygen falls, the average follows, the aerator starts.
  sim.sensor[kDo] = 3.0;
  sim.run_until(2000);
  auto ch = sim.changes_of(kAerator);
  REQUIRE(ch.size() == 1);
  CHECK(ch[0].value == 1);
  CHECK(ch[0].reason == "rule aerate-low-average");
}

TEST_CASE("after a restart delta, min and max hand over from pending to known without a gap",
          "[start_up]") {
  Sim sim(kFalling, kNight, {{kAerator, 0}});
  sim.sensor[kDo] = 7.0;
  sim.run_until(1200);
  CHECK(sim.changes.empty());
  sim.sensor[kDo] = 4.0;  // a fall of 3 mg/L within 5 minutes
  sim.run_until(1300);
  REQUIRE(sim.changes_of(kAerator).size() == 1);
  CHECK(sim.changes_of(kAerator)[0].reason == "rule aerate-falling-oxygen");
}

TEST_CASE("a probe dead at restart still fails safe at stale_after", "[start_up]") {
  Sim sim(kAverage, kNight, {{kAerator, 0}});
  sim.run_until(59);
  CHECK(sim.changes.empty());
  sim.run_until(61);
  auto ch = sim.changes_of(kAerator);
  REQUIRE(ch.size() == 1);
  CHECK(ch[0].t == 60);  // stale at 30s; then min_off (1m) counted from the state read at start
  CHECK(ch[0].reason == "failsafe");
  SECTION("and stays failsafe after it comes back until its window has filled") {
    sim.run_until(899);
    sim.sensor[kDo] = 7.0;  // good readings from t=900 on
    // The start-up period is over: a window short of history is unknown, not pending. It is
    // known once its oldest reading lies within stale_after (30s) of its start: 900 + 600 - 30.
    sim.run_until(1469);
    CHECK(sim.state(kAerator) == 1);
    sim.run_until(1470);
    CHECK(sim.state(kAerator) == 0);
    ch = sim.changes_of(kAerator);
    REQUIRE(ch.size() == 2);
    CHECK(ch[1].t == 1470);
    CHECK(ch[1].reason == "default");
  }
}

TEST_CASE("a probe that dies within the first window fails safe at stale_after", "[start_up]") {
  Sim sim(kAverage, kNight, {{kAerator, 0}});
  sim.sensor[kDo] = 7.0;
  sim.run_until(200);  // last good reading at t=200
  sim.sensor[kDo] = std::nullopt;
  sim.run_until(229);
  CHECK(sim.changes.empty());
  sim.run_until(230);
  auto ch = sim.changes_of(kAerator);
  REQUIRE(ch.size() == 1);
  CHECK(ch[0].t == 230);
  CHECK(ch[0].reason == "failsafe");
}

TEST_CASE("a bad reading within the first window fails safe at once", "[start_up]") {
  Sim sim(kFalling, kNight, {{kAerator, 0}});
  sim.sensor[kDo] = 7.0;
  sim.run_until(100);
  sim.sensor[kDo] = std::nan("");
  sim.run_until(110);
  auto ch = sim.changes_of(kAerator);
  REQUIRE(ch.size() == 1);
  CHECK(ch[0].t == 110);
  CHECK(ch[0].reason == "failsafe");
}
