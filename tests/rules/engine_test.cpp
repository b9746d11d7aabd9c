// The engine's parts on their own: point state (staleness, windows), local time, alarms.
#include <catch2/catch.hpp>

#include "rules/alarms.h"
#include "rules/local_time.h"
#include "rules/point_state.h"
#include "tests/rules/sim.h"

using namespace farmgate;
using namespace farmgate::rules;
using namespace farmgate::rules::fixture;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

const SteadyTime kStart = SteadyTime{} + std::chrono::hours(1);

Reading reading(const std::string& point, Quality q, double v = 0) {
  Reading r;
  r.point = point;
  r.quality = q;
  if (q != Quality::error) r.value = v;
  return r;
}

}  // namespace

TEST_CASE("a failed read keeps the last good value until stale_after", "[point_state]") {
  PointState ps(farm(), kStart);
  ps.on_reading(reading("pond1_do.do", Quality::good, 5), kStart + seconds(10));
  ps.on_reading(reading("pond1_do.do", Quality::error), kStart + seconds(20));
  CHECK(ps.value("pond1_do.do", kStart + seconds(39)).number == 5);
  CHECK(ps.value("pond1_do.do", kStart + seconds(39)).known());
  CHECK(ps.value("pond1_do.do", kStart + seconds(40)).kind == Value::Kind::unknown);
}

TEST_CASE("a bad reading makes the point unknown until the next good one", "[point_state]") {
  PointState ps(farm(), kStart);
  ps.on_reading(reading("pond1_do.do", Quality::good, 5), kStart);
  ps.on_reading(reading("pond1_do.do", Quality::bad, 99), kStart + seconds(1));
  CHECK(ps.value("pond1_do.do", kStart + seconds(1)).kind == Value::Kind::unknown);
  ps.on_reading(reading("pond1_do.do", Quality::good, 6), kStart + seconds(2));
  CHECK(ps.value("pond1_do.do", kStart + seconds(2)).number == 6);
}

TEST_CASE("a point never read is pending for stale_after since start, then unknown", "[point_state]") {
  PointState ps(farm(), kStart);
  CHECK(ps.value("pond1_do.do", kStart + seconds(29)).kind == Value::Kind::pending);
  CHECK(ps.value("pond1_do.do", kStart + seconds(30)).kind == Value::Kind::unknown);
  CHECK(ps.value("pond1_relay.aerator", kStart + seconds(6)).kind == Value::Kind::unknown);  // its stale_after: 6s
}

TEST_CASE("windows need good data reaching back over the span", "[point_state]") {
  PointState ps(farm(), kStart);
  ps.keep_history("pond1_do.do", minutes(10));
  auto at = [](int s) { return kStart + seconds(s); };
  for (int s = 0; s <= 300; s += 10) ps.on_reading(reading("pond1_do.do", Quality::good, s / 10.0), at(s));
  // Only 5 minutes of data: a 10-minute window is not known yet (pending: the engine started
  // only 5 minutes ago), a 4-minute one is.
  CHECK(ps.window(WindowFn::avg, "pond1_do.do", minutes(10), at(300)).kind == Value::Kind::pending);
  Value avg4 = ps.window(WindowFn::avg, "pond1_do.do", minutes(4), at(300));
  REQUIRE(avg4.known());
  CHECK(avg4.number == Approx((6 + 30) / 2.0));
  CHECK(ps.window(WindowFn::min, "pond1_do.do", minutes(4), at(300)).number == 6);
  CHECK(ps.window(WindowFn::max, "pond1_do.do", minutes(4), at(300)).number == 30);
  CHECK(ps.window(WindowFn::delta, "pond1_do.do", minutes(4), at(300)).number == Approx(24));
  for (int s = 310; s <= 700; s += 10) ps.on_reading(reading("pond1_do.do", Quality::good, 1), at(s));
  CHECK(ps.window(WindowFn::max, "pond1_do.do", minutes(10), at(700)).number == 30.0);
  CHECK(ps.window(WindowFn::delta, "pond1_do.do", minutes(10), at(700)).number == Approx(1 - 10));
  // A stale point has no window either.
  CHECK(ps.window(WindowFn::avg, "pond1_do.do", minutes(4), at(740)).kind == Value::Kind::unknown);
}

TEST_CASE("a window short of history only because of the start is pending, never unknown",
          "[point_state]") {
  PointState ps(farm(), kStart);
  ps.keep_history("pond1_do.do", minutes(10));
  auto at = [](int s) { return kStart + seconds(s); };
  // The probe's first reading comes late in its start-up grace (stale_after 30s), then every
  // 10s. Every second from start on, each window is pending or known — never unknown — and
  // known from the moment it can be computed.
  int first_known[4] = {-1, -1, -1, -1};
  const WindowFn fns[4] = {WindowFn::avg, WindowFn::min, WindowFn::max, WindowFn::delta};
  for (int s = 1; s <= 1000; ++s) {
    if (s >= 25 && (s - 25) % 10 == 0)
      ps.on_reading(reading("pond1_do.do", Quality::good, 5), at(s));
    for (int i = 0; i < 4; ++i) {
      const Value v = ps.window(fns[i], "pond1_do.do", minutes(10), at(s));
      INFO("t=" << s << " fn=" << i);
      REQUIRE(v.kind != Value::Kind::unknown);
      if (v.known() && first_known[i] < 0) first_known[i] = s;
    }
  }
  // avg/min/max: once the first reading (t=25) is within stale_after of the window's start.
  CHECK(first_known[0] == 25 + 600 - 30);
  CHECK(first_known[1] == 25 + 600 - 30);
  CHECK(first_known[2] == 25 + 600 - 30);
  // delta: once there is a reading at or before the window's start.
  CHECK(first_known[3] == 25 + 600);
}

TEST_CASE("a window short of history after the start-up period is unknown", "[point_state]") {
  PointState ps(farm(), kStart);
  ps.keep_history("pond1_do.do", minutes(10));
  auto at = [](int s) { return kStart + seconds(s); };
  // Dead at start: pending for stale_after, then unknown like the point itself.
  CHECK(ps.window(WindowFn::avg, "pond1_do.do", minutes(10), at(29)).kind == Value::Kind::pending);
  CHECK(ps.window(WindowFn::avg, "pond1_do.do", minutes(10), at(30)).kind == Value::Kind::unknown);
  // It comes back at 15 minutes: the point is known, its 10-minute window is not filled and the
  // start-up is long past (10m + 30s) — unknown until the window has filled.
  for (int s = 900; s <= 1500; s += 10) {
    ps.on_reading(reading("pond1_do.do", Quality::good, 7), at(s));
    if (s < 1470) {
      INFO("t=" << s);
      CHECK(ps.value("pond1_do.do", at(s)).known());
      CHECK(ps.window(WindowFn::avg, "pond1_do.do", minutes(10), at(s)).kind == Value::Kind::unknown);
    }
  }
  CHECK(ps.window(WindowFn::avg, "pond1_do.do", minutes(10), at(1470)).number == 7);
  // Right at the end of the start-up period (10m + 30s) a short window is unknown, not pending.
  PointState fresh(farm(), kStart);
  fresh.keep_history("pond1_do.do", minutes(10));
  fresh.on_reading(reading("pond1_do.do", Quality::good, 1), at(629));
  CHECK(fresh.window(WindowFn::delta, "pond1_do.do", minutes(10), at(629)).kind == Value::Kind::pending);
  fresh.on_reading(reading("pond1_do.do", Quality::good, 1), at(630));
  CHECK(fresh.window(WindowFn::delta, "pond1_do.do", minutes(10), at(630)).kind == Value::Kind::unknown);
}

TEST_CASE("a stale or bad point makes its window unknown even during start-up", "[point_state]") {
  PointState ps(farm(), kStart);
  ps.keep_history("pond1_do.do", minutes(10));
  auto at = [](int s) { return kStart + seconds(s); };
  ps.on_reading(reading("pond1_do.do", Quality::good, 5), at(10));
  CHECK(ps.window(WindowFn::avg, "pond1_do.do", minutes(10), at(20)).kind == Value::Kind::pending);
  CHECK(ps.window(WindowFn::avg, "pond1_do.do", minutes(10), at(40)).kind == Value::Kind::unknown);
  ps.on_reading(reading("pond1_do.do", Quality::good, 5), at(50));
  CHECK(ps.window(WindowFn::delta, "pond1_do.do", minutes(10), at(50)).kind == Value::Kind::pending);
  ps.on_reading(reading("pond1_do.do", Quality::bad, 99), at(60));
  CHECK(ps.window(WindowFn::delta, "pond1_do.do", minutes(10), at(60)).kind == Value::Kind::unknown);
}

TEST_CASE("local time follows the zone database, DST included", "[local_time]") {
  auto sh = TimeZone::load("Asia/Shanghai");
  REQUIRE(sh);
  CHECK(sh->minute_of_day(utc_ms("2026-06-01 23:30")) == 7 * 60 + 30);
  auto berlin = TimeZone::load("Europe/Berlin");
  REQUIRE(berlin);
  CHECK(berlin->minute_of_day(utc_ms("2026-01-15 12:00")) == 13 * 60);  // CET
  CHECK(berlin->minute_of_day(utc_ms("2026-07-15 12:00")) == 14 * 60);  // CEST
  std::string err;
  CHECK_FALSE(TimeZone::load("Mars/Olympus", &err));
  CHECK(err.find("unknown timezone") != std::string::npos);
  CHECK(TimeZone::fixed(-3600).minute_of_day(utc_ms("2026-01-01 00:30")) == 23 * 60 + 30);
}

TEST_CASE("an alarm is raised after `for`, cleared at once, with its message filled in", "[alarms]") {
  Sim sim(R"(
alarms:
  - name: oxygen-critical
    when: pond1_do.do < 3.0 for 1m
    severity: critical
    message: "Pond 1 oxygen {pond1_do.do} mg/L"
)", utc_ms("2026-06-01 01:00"));
  sim.sensor["pond1_do.do"] = 2.5;
  sim.run_until(69);
  CHECK(sim.events_of("alarm").empty());
  sim.run_until(70);
  REQUIRE(sim.events_of("alarm").size() == 1);
  CHECK(sim.events_of("alarm")[0].fields ==
        nlohmann::json{{"name", "oxygen-critical"}, {"severity", "critical"}, {"state", "raised"},
                       {"message", "Pond 1 oxygen 2.5 mg/L"}});
  CHECK(sim.engine().alarm_raised("oxygen-critical"));
  sim.sensor["pond1_do.do"] = std::nullopt;  // unknown: the alarm keeps its state
  sim.run(100);
  CHECK(sim.events_of("alarm").size() == 1);
  sim.sensor["pond1_do.do"] = 4.0;
  sim.run(10);
  REQUIRE(sim.events_of("alarm").size() == 2);
  CHECK(sim.events_of("alarm")[1].fields["state"] == "cleared");
  CHECK(sim.events_of("alarm")[1].fields["message"] == "Pond 1 oxygen 4 mg/L");
}

TEST_CASE("a numeric actuator follows its rule and is left alone by default", "[engine]") {
  Sim sim(R"(
rules:
  - name: fast-when-low
    when: pond1_do.do < 4
    set: { pond1_relay.speed: 1450 }
)", utc_ms("2026-06-01 01:00"), {{"pond1_relay.speed", 900}});
  sim.sensor["pond1_do.do"] = 5.0;
  sim.run(60);
  CHECK(sim.writes.empty());
  sim.sensor["pond1_do.do"] = 3.0;
  sim.run(10);
  CHECK(sim.state("pond1_relay.speed") == 1450);
  auto ev = sim.events_of("actuator");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].fields["value"] == 1450.0);
  sim.sensor["pond1_do.do"] = 5.0;
  sim.run(10);
  CHECK(sim.state("pond1_relay.speed") == 1450);
}
