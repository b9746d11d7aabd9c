// Issue 13 / spec §7 "Polls are never starved", at the BusOwner: remote reads flooding a dead
// unit must not take the bus from the healthy devices. Polls are counted at the simulator
// (farmsim's request counters), in two phases of the same length in the same run: without
// and with the flood. Nothing is timed; the figure is a ratio of counts with a margin.
#include <catch2/catch.hpp>

#include <regex>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "drivers/modbus/bus_owner.h"
#include "tests/drivers/modbus_peer.h"
#include "tests/tools/farmsim_fixture.h"

using namespace farmgate;
using namespace std::chrono_literals;
using config::Table;

namespace {

long requests(test::Farmsim& sim, int unit) {
  std::smatch m;
  const std::string reply = sim.command("stats " + std::to_string(unit));
  if (!std::regex_search(reply, m, std::regex("requests=([0-9]+)"))) return -1;
  return std::stol(m[1]);
}

long healthy_requests(test::Farmsim& sim) { return requests(sim, 1) + requests(sim, 2) + requests(sim, 3); }

// Runs `io` for `span`, issuing `per_second` reads of `point` through `owner` meanwhile.
// Returns how many reads were asked and how many answered.
std::pair<int, int> flood(boost::asio::io_context& io, modbus::BusOwner& owner,
                          const std::string& point, int per_second, std::chrono::milliseconds span,
                          std::vector<Reading>* answers) {
  int asked = 0, answered = 0;
  boost::asio::steady_timer timer(io);
  const auto every = std::chrono::milliseconds(1000 / std::max(per_second, 1));
  const auto end = std::chrono::steady_clock::now() + span;
  std::function<void()> next = [&] {
    if (per_second == 0 || std::chrono::steady_clock::now() >= end) return;
    ++asked;
    owner.read({point}, [&](std::vector<Reading> r) {
      ++answered;
      if (answers) answers->push_back(r.front());
    });
    timer.expires_after(every);
    timer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) next();
    });
  };
  io.restart();
  auto guard = boost::asio::make_work_guard(io);
  next();
  io.run_until(end);
  timer.cancel();
  io.run_for(300ms);  // answers already on their way
  return {asked, answered};
}

}  // namespace

TEST_CASE("nine reads a second of a dead unit leave its neighbours' poll rate alone",
          "[bus_owner][flood]") {
  test::TempDir dir("flood");
  test::Farmsim sim(dir, R"(
control: { port: auto }
servers:
  - tcp: { port: 0 }
    units: [1, 2, 3, 9]
units:
  1: { holding: { 0: 11 } }
  2: { holding: { 0: 22 } }
  3: { holding: { 0: 33 } }
  9: { holding: { 0: 99 }, fault: silent }
)");
  config::Bus bus = test::tcp_bus(sim.tcp_port(), 150ms);
  bus.retries = 1;
  std::vector<config::Device> devices;
  for (int unit : {1, 2, 3, 9}) {
    auto d = test::device("u" + std::to_string(unit), bus, unit, 100ms);
    test::add_point(d, "v", Table::holding, 0);
    devices.push_back(d);
  }
  boost::asio::io_context io;
  modbus::BusOwner owner(io, bus, devices, nullptr, 1s);
  owner.start();
  // Settle: the dead unit has failed its first poll and backs off.
  flood(io, owner, "u9.v", 0, 500ms, nullptr);

  const long before_quiet = healthy_requests(sim);
  flood(io, owner, "u9.v", 0, 4s, nullptr);
  const long quiet = healthy_requests(sim) - before_quiet;

  const long dead_before = requests(sim, 9);
  std::vector<Reading> answers;
  const long before_flood = healthy_requests(sim);
  auto [asked, answered] = flood(io, owner, "u9.v", 9, 4s, &answers);
  const long flooded = healthy_requests(sim) - before_flood;
  const long dead_requests = requests(sim, 9) - dead_before;
  owner.stop();

  INFO("healthy requests: quiet " << quiet << ", flooded " << flooded << "; reads asked "
                                  << asked << ", answered " << answered
                                  << "; requests to the dead unit " << dead_requests);
  REQUIRE(quiet > 60);  // 3 devices at 100 ms for 4 s: 120 when the machine keeps up
  CHECK(flooded >= 0.8 * quiet);
  CHECK(asked >= 30);
  CHECK(answered == asked);  // every read answered, none dropped
  for (const auto& r : answers) {
    CHECK(r.quality == Quality::error);
    CHECK_FALSE(r.value);
    CHECK(r.error.find("timeout") != std::string::npos);  // the dead unit's last error
  }
  // The flood did not reach the bus: the dead unit saw only its backoff polls (1 s cap,
  // one attempt each) and perhaps a read that came between two of them.
  CHECK(dead_requests <= 12);
}

TEST_CASE("reads of a live point join while one is pending and polls still come first",
          "[bus_owner][flood]") {
  test::TempDir dir("flood");
  test::Farmsim sim(dir, R"(
control: { port: auto }
servers:
  - tcp: { port: 0 }
    units: [1, 2]
units:
  1: { holding: { 0: 11 } }
  2: { holding: { 0: 22 }, fault: slow 100 }
)");
  const config::Bus bus = test::tcp_bus(sim.tcp_port(), 500ms);
  auto fast = test::device("fast", bus, 1, 100ms);
  test::add_point(fast, "v", Table::holding, 0);
  auto slow = test::device("slow", bus, 2, 10s);
  test::add_point(slow, "v", Table::holding, 0);
  boost::asio::io_context io;
  modbus::BusOwner owner(io, bus, {fast, slow}, nullptr);
  owner.start();
  flood(io, owner, "slow.v", 0, 300ms, nullptr);

  const long slow_before = requests(sim, 2), fast_before = requests(sim, 1);
  std::vector<Reading> answers;
  // 50 reads a second of a point that takes 100 ms to answer: without joining, the queue
  // would grow by 40 a second.
  auto [asked, answered] = flood(io, owner, "slow.v", 50, 3s, &answers);
  owner.stop();
  const long slow_requests = requests(sim, 2) - slow_before;
  const long fast_requests = requests(sim, 1) - fast_before;
  INFO("asked " << asked << ", answered " << answered << ", slow unit requests "
                << slow_requests << ", fast unit requests " << fast_requests);
  CHECK(answered == asked);
  for (const auto& r : answers) {
    CHECK(r.quality == Quality::good);
    CHECK(*r.value == 22);
  }
  CHECK(slow_requests < asked / 2);   // joined: at most one read in flight, one waiting
  CHECK(fast_requests >= 20);         // 3 s at 100 ms: 30 when the machine keeps up
}
