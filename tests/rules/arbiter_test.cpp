// The arbiter on its own (rules/arbiter.h): claims in, changes out, on a virtual clock. Each
// step of decide() — exclusivity, max_on, min_on/min_off, pairs never on together — and
// reconciliation with the state the world reports (observe).
#include <catch2/catch.hpp>

#include "rules/arbiter.h"

using namespace farmgate;
using namespace farmgate::rules;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

const SteadyTime t0 = SteadyTime{} + std::chrono::hours(1);
constexpr std::int64_t kWall = 1780000000000;

Arbiter::Spec relay(const std::string& point, Duration min_on = Duration(0),
                    Duration min_off = Duration(0), Duration max_on = Duration(0),
                    std::vector<std::string> exclusive_with = {}) {
  Arbiter::Spec s;
  s.point = point;
  s.limits.point = point;
  s.limits.min_on = min_on;
  s.limits.min_off = min_off;
  s.limits.max_on = max_on;
  s.limits.exclusive_with = std::move(exclusive_with);
  return s;
}

Claim rule(const std::string& name, double value, int priority = 0) {
  Claim c;
  c.source = Claim::Source::rule;
  c.reason = "rule " + name;
  c.value = value;
  c.priority = priority;
  return c;
}

Claim failsafe(double value, bool hold = false) {
  Claim c;
  c.source = Claim::Source::failsafe;
  c.reason = "failsafe";
  c.value = value;
  c.keep = hold;
  return c;
}

bool same(double a, double b) { return (a != 0) == (b != 0); }

struct Decided {
  std::vector<rules::Change> changes;
  std::vector<Event> events;
};

Decided decide(Arbiter& a, const std::map<std::string, Claim>& claims, SteadyTime now) {
  Decided r;
  r.changes = a.decide(claims, now, kWall, r.events);
  return r;
}

}  // namespace

TEST_CASE("the stronger claim wins an exclusive pair whichever side declares it", "[arbiter]") {
  for (bool on_first : {true, false}) {
    INFO("exclusive_with declared on " << (on_first ? "z1" : "z2"));
    Arbiter a({relay("z1", {}, {}, {}, on_first ? std::vector<std::string>{"z2"} : std::vector<std::string>{}),
               relay("z2", {}, {}, {}, on_first ? std::vector<std::string>{} : std::vector<std::string>{"z1"})});
    a.set_state("z1", 0, t0);
    a.set_state("z2", 0, t0);
    // A failsafe outranks any rule priority.
    auto r = decide(a, {{"z1", failsafe(1)}, {"z2", rule("high", 1, 99)}}, t0);
    REQUIRE(r.changes.size() == 1);
    CHECK(r.changes[0].point == "z1");
    CHECK(r.changes[0].reason == "failsafe");
    CHECK(*a.state("z2") == 0);
  }
}

TEST_CASE("an exclusive pair: the higher priority runs, the other is held off with a reason",
          "[arbiter]") {
  Arbiter a({relay("z1", {}, {}, {}, {"z2"}), relay("z2")});
  auto r = decide(a, {{"z1", rule("low", 1, 1)}, {"z2", rule("high", 1, 5)}}, t0);
  // Unknown states: the decisions are made without protections, but never both on.
  REQUIRE(r.changes.size() == 2);
  CHECK(r.changes[0].point == "z1");  // turn-offs first
  CHECK(r.changes[0].value == 0);
  CHECK(r.changes[0].reason == "exclusive_with z2");
  CHECK(r.changes[1].point == "z2");
  CHECK(r.changes[1].value == 1);
  CHECK(r.changes[1].reason == "rule high");
}

TEST_CASE("at equal strength the running one keeps running, then the first declared wins",
          "[arbiter]") {
  Arbiter a({relay("z1", {}, {}, {}, {"z2"}), relay("z2")});
  a.set_state("z1", 0, t0);
  a.set_state("z2", 1, t0);
  auto r = decide(a, {{"z1", rule("a", 1)}, {"z2", rule("b", 1)}}, t0 + minutes(1));
  CHECK(r.changes.empty());
  CHECK(*a.state("z2") == 1);

  Arbiter b({relay("z1", {}, {}, {}, {"z2"}), relay("z2")});
  b.set_state("z1", 0, t0);
  b.set_state("z2", 0, t0);
  r = decide(b, {{"z1", rule("a", 1)}, {"z2", rule("b", 1)}}, t0 + minutes(1));
  REQUIRE(r.changes.size() == 1);
  CHECK(r.changes[0].point == "z1");
}

TEST_CASE("min_on defers a turn-off and min_off a turn-on, counted from the state read at start",
          "[arbiter]") {
  Arbiter a({relay("aer", minutes(5), minutes(1))});
  a.set_state("aer", 1, t0);
  CHECK(decide(a, {}, t0 + seconds(299)).changes.empty());
  auto r = decide(a, {}, t0 + seconds(300));
  REQUIRE(r.changes.size() == 1);
  CHECK(r.changes[0].value == 0);
  CHECK(r.changes[0].reason == "default");
  CHECK(decide(a, {{"aer", rule("x", 1)}}, t0 + seconds(359)).changes.empty());
  r = decide(a, {{"aer", rule("x", 1)}}, t0 + seconds(360));
  REQUIRE(r.changes.size() == 1);
  CHECK(r.changes[0].value == 1);
}

TEST_CASE("max_on cuts any source, alarms, and waits for the source to let go and min_off",
          "[arbiter]") {
  Arbiter a({relay("valve", {}, minutes(2), minutes(45))});
  a.set_state("valve", 0, t0 - minutes(10));
  const auto on = std::map<std::string, Claim>{{"valve", rule("drip", 1)}};
  REQUIRE(decide(a, on, t0).changes.size() == 1);
  CHECK(decide(a, on, t0 + minutes(44)).changes.empty());
  auto r = decide(a, on, t0 + minutes(45));
  REQUIRE(r.changes.size() == 1);
  CHECK(r.changes[0].value == 0);
  CHECK(r.changes[0].reason == "max_on");
  REQUIRE(r.events.size() == 1);
  CHECK(r.events[0].fields["name"] == "valve max_on");
  CHECK(r.events[0].fields["state"] == "raised");
  // Still wanted by the same rule: stays off, however long.
  CHECK(decide(a, on, t0 + minutes(100)).changes.empty());
  // The rule lets go: the alarm clears; min_off counts from then.
  r = decide(a, {}, t0 + minutes(101));
  REQUIRE(r.events.size() == 1);
  CHECK(r.events[0].fields["state"] == "cleared");
  CHECK(decide(a, on, t0 + minutes(102) - seconds(1)).changes.empty());
  CHECK(decide(a, on, t0 + minutes(103)).changes.size() == 1);
}

TEST_CASE("a failsafe that holds keeps the current state, numeric actuators follow unprotected",
          "[arbiter]") {
  Arbiter::Spec speed = relay("speed", minutes(5), minutes(5));
  speed.boolean = false;
  Arbiter a({relay("aer"), speed});
  a.set_state("aer", 1, t0);
  a.set_state("speed", 40, t0);
  CHECK(decide(a, {{"aer", failsafe(0, true)}}, t0 + seconds(1)).changes.empty());
  CHECK(*a.state("speed") == 40);  // numeric default: unchanged
  Claim fast = rule("fast", 75);
  auto r = decide(a, {{"aer", failsafe(0, true)}, {"speed", fast}}, t0 + seconds(2));
  REQUIRE(r.changes.size() == 1);  // min_on/min_off do not apply to a numeric actuator
  CHECK(r.changes[0].value == 75);
}

TEST_CASE("observe reports nothing for a matching state, an unknown state or a stranger",
          "[arbiter]") {
  Arbiter a({relay("aer"), relay("new")});
  a.set_state("aer", 1, t0);
  CHECK_FALSE(a.observe("aer", 1, t0, same));
  CHECK_FALSE(a.observe("new", 0, t0, same));  // state unknown: nothing was decided
  CHECK_FALSE(a.observe("other", 0, t0, same));
  CHECK_FALSE(a.state("new"));
}

TEST_CASE("an aerator found off is switched back on after min_off counted from the drop",
          "[arbiter][reconcile]") {
  Arbiter a({relay("aer", minutes(5), minutes(1))});
  a.set_state("aer", 0, t0);
  const auto on = std::map<std::string, Claim>{{"aer", rule("low-oxygen", 1)}};
  REQUIRE(decide(a, on, t0 + minutes(2)).changes.size() == 1);

  const SteadyTime drop = t0 + minutes(10);
  auto d = a.observe("aer", 0, drop, same);
  REQUIRE(d);
  CHECK(d->found == 0);
  CHECK(d->wanted == 1);
  CHECK(*a.state("aer") == 0);  // the actual state from now on
  // Seen again while it waits: the same state, no new drift.
  CHECK_FALSE(a.observe("aer", 0, drop + seconds(10), same));
  // The motor gets its rest: min_off from when the drop was seen.
  CHECK(decide(a, on, drop + seconds(59)).changes.empty());
  auto r = decide(a, on, drop + seconds(60));
  REQUIRE(r.changes.size() == 1);
  CHECK(r.changes[0].value == 1);
  CHECK(r.changes[0].reason == "rule low-oxygen");
  CHECK_FALSE(a.observe("aer", 1, drop + seconds(61), same));
}

TEST_CASE("an actuator found on against its decision is switched off at once, min_on or not",
          "[arbiter][reconcile]") {
  Arbiter a({relay("z1", minutes(5), {}, {}, {"z2"}), relay("z2")});
  a.set_state("z1", 0, t0);
  a.set_state("z2", 1, t0);
  const SteadyTime hand = t0 + minutes(1);
  auto d = a.observe("z1", 1, hand, same);  // a hand switch
  REQUIRE(d);
  CHECK(d->wanted == 0);
  auto r = decide(a, {{"z2", rule("zone2", 1)}}, hand + seconds(1));
  REQUIRE(r.changes.size() == 1);
  CHECK(r.changes[0].point == "z1");
  CHECK(r.changes[0].value == 0);
}

TEST_CASE("a failsafe hold restores the state decided before the world changed it",
          "[arbiter][reconcile]") {
  Arbiter a({relay("aer")});
  a.set_state("aer", 1, t0);
  REQUIRE(a.observe("aer", 0, t0 + minutes(1), same));
  auto r = decide(a, {{"aer", failsafe(0, true)}}, t0 + minutes(1));
  REQUIRE(r.changes.size() == 1);
  CHECK(r.changes[0].value == 1);
}

TEST_CASE("a drift the decision now agrees with needs no write", "[arbiter][reconcile]") {
  Arbiter a({relay("aer", {}, minutes(1))});
  a.set_state("aer", 1, t0);
  REQUIRE(a.observe("aer", 0, t0 + minutes(1), same));
  CHECK(decide(a, {}, t0 + minutes(1)).changes.empty());  // default: off, as found
  // Later wanted on again: an ordinary change after min_off.
  CHECK(decide(a, {{"aer", rule("x", 1)}}, t0 + minutes(2)).changes.size() == 1);
}
