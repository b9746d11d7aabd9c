// The bus queue policy (spec §7 "Polls are never starved") on a virtual clock: no thread, no
// bus. What a flood of remote commands can and cannot do to the poll schedule.
#include <catch2/catch.hpp>

#include "drivers/modbus/bus_scheduler.h"

using namespace farmgate;
using namespace std::chrono_literals;
using modbus::BusScheduler;
using Kind = BusScheduler::Work::Kind;
using Admit = BusScheduler::Admit;

namespace {

const SteadyTime t0{};

}  // namespace

TEST_CASE("a due poll runs before queued reads, a write before a due poll", "[bus_scheduler]") {
  BusScheduler s(2);
  s.set_due(0, t0);
  s.set_due(1, t0 + 1s);
  auto r = s.add_read("a.x\n", {1});
  REQUIRE(r.admit == Admit::queued);
  auto w = s.add_write();
  REQUIRE(w.admit == Admit::queued);

  auto first = s.next(t0);
  CHECK(first.kind == Kind::write);
  CHECK(first.ticket == w.ticket);
  auto second = s.next(t0);
  CHECK(second.kind == Kind::poll);
  CHECK(second.device == 0);
  s.set_due(0, t0 + 500ms);  // polled: next due later
  auto third = s.next(t0);
  CHECK(third.kind == Kind::read);
  CHECK(third.ticket == r.ticket);
  auto idle = s.next(t0);
  CHECK(idle.kind == Kind::wait);
  CHECK(idle.until == t0 + 500ms);
}

TEST_CASE("a flood of reads of one point is one pending read", "[bus_scheduler]") {
  BusScheduler s(1);
  s.set_due(0, t0 + 10s);
  auto first = s.add_read("dead.x\n", {0});
  REQUIRE(first.admit == Admit::queued);
  for (int i = 0; i < 1000; ++i) {
    auto again = s.add_read("dead.x\n", {0});
    REQUIRE(again.admit == Admit::joined);
    REQUIRE(again.ticket == first.ticket);
  }
  CHECK(s.pending_reads() == 1);
  CHECK(s.next(t0).kind == Kind::read);
  CHECK(s.next(t0).kind == Kind::wait);
  // Once it ran, the next read is new work again.
  CHECK(s.add_read("dead.x\n", {0}).admit == Admit::queued);
}

TEST_CASE("reads of many points are bounded and the one past the bound is refused at once",
          "[bus_scheduler]") {
  BusScheduler s(1, BusScheduler::Limits{3, 2});
  s.set_due(0, t0 + 10s);
  for (int i = 0; i < 3; ++i)
    CHECK(s.add_read("p" + std::to_string(i), {0}).admit == Admit::queued);
  CHECK(s.add_read("p9", {0}).admit == Admit::busy);
  CHECK(s.add_read("p1", {0}).admit == Admit::joined);  // joining costs nothing: still allowed
  CHECK(s.add_write().admit == Admit::queued);
  CHECK(s.add_write().admit == Admit::queued);
  CHECK(s.add_write().admit == Admit::busy);
  CHECK(s.pending_reads() == 3);
  CHECK(s.pending_writes() == 2);
  CHECK(s.drain().size() == 5);
  CHECK(s.next(t0).kind == Kind::wait);
}

TEST_CASE("a read of a device in backoff is answered at once, not queued", "[bus_scheduler]") {
  BusScheduler s(2);
  s.set_backing_off(1, true, "timeout");
  CHECK(s.last_error(1) == "timeout");
  CHECK(s.add_read("dead.x\n", {1}).admit == Admit::backed_off);
  CHECK(s.pending_reads() == 0);
  // A read that also touches a healthy device is queued (the dead one is skipped when it runs).
  CHECK(s.add_read("dead.x\nok.y\n", {0, 1}).admit == Admit::queued);
  s.set_backing_off(1, false, "ignored when healthy");
  CHECK(s.last_error(1).empty());
  CHECK(s.add_read("dead.x\n", {1}).admit == Admit::queued);
}

TEST_CASE("a read of no known point is queued so that it can be answered", "[bus_scheduler]") {
  BusScheduler s(1);
  CHECK(s.add_read("nothing\n", {}).admit == Admit::queued);
}

TEST_CASE("with reads always waiting, every device keeps every poll it is due",
          "[bus_scheduler]") {
  // Three devices polled every 100 ms on a bus where a poll takes 10 ms and a read 20 ms; a
  // read is added after every piece of work (a flood far above any command limit).
  BusScheduler s(3);
  for (std::size_t d = 0; d < 3; ++d) s.set_due(d, t0);
  SteadyTime now = t0;
  std::vector<int> polls(3, 0);
  int reads = 0, key = 0;
  while (now < t0 + 10s) {
    s.add_read("p" + std::to_string(key++ % 5), {0});
    auto w = s.next(now);
    if (w.kind == Kind::poll) {
      ++polls[w.device];
      now += 10ms;
      s.set_due(w.device, std::max(s.due(w.device) + 100ms, now));
    } else if (w.kind == Kind::read) {
      ++reads;
      now += 20ms;
    } else {
      now = w.until;
    }
  }
  for (int p : polls) CHECK(p >= 100);  // 10 s at 100 ms: 100 polls, none lost
  CHECK(reads > 0);                     // and the bus's spare time went to the reads
}
