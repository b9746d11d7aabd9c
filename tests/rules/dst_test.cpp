// Schedules across DST changes (spec §7): in Europe/Berlin 2026, summer time ends on
// 25 October at 01:00 UTC (03:00 CEST -> 02:00 CET: 02:00-02:59 occur twice) and starts on
// 29 March at 01:00 UTC (02:00 CET -> 03:00 CEST: 02:00-02:59 do not occur).
#include <catch2/catch.hpp>

#include "rules/local_time.h"
#include "tests/rules/sim.h"

using namespace farmgate;
using namespace farmgate::rules;
using namespace farmgate::rules::fixture;

namespace {


EngineOptions berlin() {
  auto tz = TimeZone::load("Europe/Berlin");
  REQUIRE(tz);
  EngineOptions o;
  o.timezone = *tz;
  return o;
}

std::string feed_at(const std::string& times) {
  return "rules:\n  - name: feed\n    at: [" + times +
         "]\n    for: 1m\n    set: { pond1_relay.feeder: on }\n";
}

// Virtual seconds since start at which the feeder was switched on.
std::vector<int> feeds(const Sim& sim) {
  std::vector<int> out;
  for (const auto& c : sim.changes_of(kFeeder))
    if (c.value == 1) out.push_back(c.t);
  return out;
}

std::int64_t utc_minute(const char* text) { return utc_ms(text) / 60000; }

}  // namespace

TEST_CASE("the zone says which local minutes begin in each UTC minute across DST", "[local_time]") {
  TimeZone tz = berlin().timezone;
  auto local = [&](const char* utc) { return tz.local_minutes(utc_ms(utc)); };
  // An ordinary minute: exactly itself.
  auto s = tz.local_minutes_starting(utc_minute("2026-10-24 12:00"));
  CHECK(s.first == local("2026-10-24 12:00"));
  CHECK(s.last == s.first);
  // Autumn: 00:59 UTC is 02:59 CEST; 01:00-01:59 UTC replay 02:00-02:59 as CET: nothing new.
  CHECK_FALSE(tz.local_minutes_starting(utc_minute("2026-10-25 00:59")).empty());
  CHECK(tz.local_minutes_starting(utc_minute("2026-10-25 01:00")).empty());
  CHECK(tz.local_minutes_starting(utc_minute("2026-10-25 01:30")).empty());
  CHECK(tz.local_minutes_starting(utc_minute("2026-10-25 01:59")).empty());
  s = tz.local_minutes_starting(utc_minute("2026-10-25 02:00"));  // 03:00 CET
  CHECK(s.first == s.last);
  CHECK(tz.minute_of_day(utc_ms("2026-10-25 02:00")) == 3 * 60);
  // Spring: 01:00 UTC is 03:00 CEST; it also stands for the 60 minutes that were skipped.
  s = tz.local_minutes_starting(utc_minute("2026-03-29 01:00"));
  CHECK(s.last - s.first == 60);
  CHECK(s.last == local("2026-03-29 01:00"));
  s = tz.local_minutes_starting(utc_minute("2026-03-29 01:01"));
  CHECK(s.first == s.last);
  // A zone without DST never skips nor repeats.
  for (std::int64_t m = utc_minute("2026-10-25 00:00"); m < utc_minute("2026-10-25 03:00"); ++m) {
    auto f = TimeZone::fixed(8 * 3600).local_minutes_starting(m);
    REQUIRE(f.first == f.last);
  }
}

TEST_CASE("an `at` time in the hour repeated when DST ends fires once", "[scenario][dst]") {
  // Starts 24 Oct 23:00 UTC = 01:00 CEST; runs 4 h, through the repeated hour.
  Sim sim(feed_at(R"("02:30")"), utc_ms("2026-10-24 23:00"), {{kFeeder, 0}}, berlin());
  sim.run(4 * 3600);
  auto on = feeds(sim);
  REQUIRE(on.size() == 1);
  CHECK(on[0] == 90 * 60);  // 00:30 UTC = 02:30 CEST, the first of the two 02:30s
}

TEST_CASE("`at` times around the repeated hour fire once each, at their first occurrence",
          "[scenario][dst]") {
  Sim sim(feed_at(R"("01:30", "02:00", "02:59", "03:00", "03:30")"), utc_ms("2026-10-24 22:00"),
          {{kFeeder, 0}}, berlin());
  sim.run(6 * 3600);
  // 01:30 CEST = 23:30 UTC, 02:00 CEST = 00:00, 02:59 CEST = 00:59, 03:00 CET = 02:00,
  // 03:30 CET = 02:30 (seconds since 22:00 UTC).
  CHECK(feeds(sim) == std::vector<int>{90 * 60, 120 * 60, 179 * 60, 240 * 60, 270 * 60});
}

TEST_CASE("an `at` time in the spring gap fires at the first minute after the gap",
          "[scenario][dst]") {
  // Starts 28 Mar 23:00 UTC = 00:00 CET; 02:30 does not exist that night.
  Sim sim(feed_at(R"("02:30")"), utc_ms("2026-03-28 23:00"), {{kFeeder, 0}}, berlin());
  sim.run(4 * 3600);
  auto on = feeds(sim);
  REQUIRE(on.size() == 1);
  CHECK(on[0] == 120 * 60);  // 01:00 UTC = 03:00 CEST
  // The next day 02:30 exists again and fires at 02:30 CEST = 00:30 UTC.
  sim.run_until(26 * 3600);
  on = feeds(sim);
  REQUIRE(on.size() == 2);
  CHECK(on[1] == (24 + 1) * 3600 + 30 * 60);
}

TEST_CASE("times around the spring gap each fire once, the gap's at 03:00", "[scenario][dst]") {
  Sim sim(feed_at(R"("01:30", "02:15", "03:00", "03:10")"), utc_ms("2026-03-28 23:00"),
          {{kFeeder, 0}}, berlin());
  sim.run(3 * 3600);
  // 01:30 CET = 00:30 UTC; 02:15 (in the gap) and 03:00 both at 01:00 UTC, one pulse;
  // 03:10 CEST = 01:10 UTC.
  CHECK(feeds(sim) == std::vector<int>{90 * 60, 120 * 60, 130 * 60});
}

TEST_CASE("across DST an implausible wall clock still fires no schedule", "[scenario][dst]") {
  // A gateway without RTC booting in 1970 at the local "02:30": nothing fires, however the
  // zone's offsets change.
  Sim sim(feed_at(R"("02:30", "01:00")"), 0, {{kFeeder, 0}}, berlin());
  sim.run(4 * 3600);
  CHECK(feeds(sim).empty());
}
