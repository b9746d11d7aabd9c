// The bus owner thread against pymodbus: poll rates, isolation of failing devices, writes,
// on-demand reads. Assertions count polls; nothing is timed.
#include <catch2/catch.hpp>

#include <map>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "drivers/modbus/bus_owner.h"
#include "tests/drivers/modbus_peer.h"
#include "tests/drivers/run_io.h"
#include "tests/support/temp_dir.h"

using namespace farmgate;
using namespace std::chrono_literals;
using test::run_for;
using config::Table;
using config::ValueType;

namespace {

// Runs the loop (where BusOwner's callbacks land) until `done` or 10 s.
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds limit = 10s) {
  io.restart();  // the previous guard's end stopped it
  auto guard = boost::asio::make_work_guard(io);
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < end) io.run_for(20ms);
  return done();
}


struct PollLog {
  std::map<std::string, std::vector<modbus::DevicePoll>> polls;
  std::function<void(modbus::DevicePoll)> sink() {
    return [this](modbus::DevicePoll p) { polls[p.device].push_back(std::move(p)); };
  }
  std::size_t count(const std::string& d) { return polls[d].size(); }
};

}  // namespace

TEST_CASE("a silent device on a shared RTU bus does not slow the others", "[bus_owner][rtu]") {
  test::TempDir dir;
  test::PtyPair pty(dir.path());
  auto peer = test::ModbusPeer::rtu(dir.path(), pty.b(), pty.a(), "1,2");
  config::Bus bus = test::rtu_bus(pty.a(), 150ms);
  bus.retries = 1;
  std::vector<config::Device> devices;
  for (int unit : {1, 2, 9}) {  // pymodbus does not serve unit 9: it never answers
    auto d = test::device("u" + std::to_string(unit), bus, unit, 200ms);
    test::add_point(d, "id", Table::holding, test::served::kUnitId);
    test::add_point(d, "temp", Table::holding, test::served::kInt16, ValueType::int16);
    test::add_point(d, "in", Table::input, 3);  // a second transaction per poll
    devices.push_back(d);
  }
  boost::asio::io_context io;
  PollLog log;
  modbus::BusOwner owner(io, bus, devices, log.sink());
  owner.start();
  run_for(io, 3s);
  owner.stop();
  run_for(io, 100ms);  // deliver what was posted before the stop

  // 3 s at 200 ms: 15 polls, plus the one at start. Allow for a slow machine.
  INFO("u1 " << log.count("u1") << ", u2 " << log.count("u2") << ", u9 " << log.count("u9"));
  CHECK(log.count("u1") >= 12);
  CHECK(log.count("u2") >= 12);
  // Backoff: tries at about 0, 0.2, 0.6, 1.4 s and 3.0 s.
  CHECK(log.count("u9") >= 2);
  CHECK(log.count("u9") <= 6);
  for (const auto& p : log.polls["u1"]) {
    CHECK(p.ok);
    CHECK(*p.readings[0].value == 1);
  }
  for (const auto& p : log.polls["u9"]) {
    CHECK_FALSE(p.ok);
    CHECK(p.error.find("timeout") != std::string::npos);
    REQUIRE(p.readings.size() == 3);
    for (const auto& r : p.readings) {
      CHECK(r.quality == Quality::error);
      CHECK_FALSE(r.value);
    }
  }
  CHECK(log.polls["u9"].back().consecutive_failures == static_cast<int>(log.count("u9")));
}

TEST_CASE("an exception reply fails only the device that caused it", "[bus_owner][tcp]") {
  test::TempDir dir;
  auto peer = test::ModbusPeer::tcp(dir.path(), "1,2");
  const config::Bus bus = test::tcp_bus(peer.port());
  auto good = test::device("good", bus, 1, 100ms);
  test::add_point(good, "id", Table::holding, 0);
  auto bad = test::device("bad", bus, 2, 100ms);
  test::add_point(bad, "id", Table::holding, 0);
  test::add_point(bad, "beyond", Table::holding, 150);  // illegal data address
  boost::asio::io_context io;
  PollLog log;
  modbus::BusOwner owner(io, bus, {good, bad}, log.sink());
  owner.start();
  REQUIRE(run_until(io, [&] { return log.count("good") >= 3 && log.count("bad") >= 2; }));
  for (const auto& p : log.polls["good"]) CHECK(p.ok);
  const auto& p = log.polls["bad"].front();
  CHECK_FALSE(p.ok);
  CHECK(p.error == "illegal data address (exception 2)");
  CHECK(p.readings[0].quality == Quality::good);  // its other read still succeeded
  CHECK(*p.readings[0].value == 2);
  CHECK(p.readings[1].quality == Quality::error);
  CHECK(p.readings[1].error == "illegal data address (exception 2)");
}

TEST_CASE("writes and on-demand reads are served and read back", "[bus_owner][tcp]") {
  test::TempDir dir;
  auto peer = test::ModbusPeer::tcp(dir.path(), "1");
  const config::Bus bus = test::tcp_bus(peer.port());
  auto d = test::device("relay", bus, 1, 10s);
  test::add_point(d, "aerator", Table::coil, 6).writable = true;
  test::add_point(d, "target", Table::holding, test::served::kScratch, ValueType::float32)
      .writable = true;
  test::add_point(d, "id", Table::holding, 0);
  boost::asio::io_context io;
  PollLog log;
  modbus::BusOwner owner(io, bus, {d}, log.sink());
  owner.start();

  std::vector<modbus::WriteResult> writes;
  auto record = [&](modbus::WriteResult w) { writes.push_back(std::move(w)); };
  owner.write("relay.aerator", 1, record);
  owner.write("relay.target", 7.25, record);
  owner.write("relay.id", 3, record);          // not writable
  owner.write("relay.nothing", 1, record);     // unknown
  owner.write("relay.aerator", 2, record);     // not a bool
  REQUIRE(run_until(io, [&] { return writes.size() == 5; }));
  CHECK(writes[0].ok);
  CHECK(*writes[0].readback->value == 1);
  CHECK(writes[1].ok);
  CHECK(*writes[1].readback->value == 7.25);
  CHECK(writes[2].error == "relay.id is not writable");
  CHECK_FALSE(writes[3].ok);
  CHECK_FALSE(writes[4].ok);

  std::vector<Reading> got;
  owner.read({"relay.target", "relay.aerator", "other.x"},
             [&](std::vector<Reading> r) { got = std::move(r); });
  REQUIRE(run_until(io, [&] { return !got.empty(); }));
  REQUIRE(got.size() == 3);
  CHECK(*got[0].value == 7.25);
  CHECK(*got[1].value == 1);
  CHECK(got[1].boolean);
  CHECK(got[2].quality == Quality::error);
  CHECK(got[2].point == "other.x");
}

TEST_CASE("polls recover when a TCP device comes back", "[bus_owner][tcp]") {
  test::TempDir dir;
  auto peer = std::make_unique<test::ModbusPeer>(test::ModbusPeer::tcp(dir.path(), "1"));
  const int port = peer->port();
  const config::Bus bus = test::tcp_bus(port, 200ms);
  auto d = test::device("plc", bus, 1, 100ms);
  test::add_point(d, "id", Table::holding, 0);
  boost::asio::io_context io;
  PollLog log;
  modbus::BusOwner owner(io, bus, {d}, log.sink(), 400ms);  // short backoff cap for the test
  owner.start();
  REQUIRE(run_until(io, [&] { return log.count("plc") >= 2; }));
  peer.reset();
  auto failed = [&] {
    for (const auto& p : log.polls["plc"])
      if (!p.ok) return true;
    return false;
  };
  REQUIRE(run_until(io, failed));
  peer = std::make_unique<test::ModbusPeer>(test::ModbusPeer::tcp(dir.path(), "1", port));
  REQUIRE(run_until(io, [&] { return log.polls["plc"].back().ok; }));
  CHECK(*log.polls["plc"].back().readings[0].value == 1);
}

TEST_CASE("a poll's result reaches the loop while the bus waits out a silent unit",
          "[bus_owner][tcp]") {
  // The results of a busy bus are drained by a timer on the loop (outbox.h), not when the bus
  // thread next gets round to it: a fresh reading must not wait for a dead unit's timeout.
  test::TempDir dir;
  auto peer = test::ModbusPeer::tcp(dir.path(), "1");  // unit 9 is never answered
  config::Bus bus = test::tcp_bus(peer.port(), 1500ms);
  bus.retries = 0;
  auto good = test::device("good", bus, 1, 100ms);
  test::add_point(good, "id", Table::holding, test::served::kUnitId);
  auto silent = test::device("silent", bus, 9, 100ms);
  test::add_point(silent, "id", Table::holding, test::served::kUnitId);
  boost::asio::io_context io;
  std::map<std::string, std::vector<std::chrono::steady_clock::time_point>> arrived;
  // Both are due at start, the good one first: its poll, then 1.5 s of silence.
  modbus::BusOwner owner(io, bus, {good, silent}, [&](modbus::DevicePoll p) {
    arrived[p.device].push_back(std::chrono::steady_clock::now());
  });
  owner.start();
  REQUIRE(run_until(io, [&] { return !arrived["silent"].empty(); }));
  owner.stop();
  REQUIRE_FALSE(arrived["good"].empty());
  const auto ahead = arrived["silent"].front() - arrived["good"].front();
  INFO("the good unit's first poll came " << std::chrono::duration_cast<std::chrono::milliseconds>(ahead).count()
                                          << " ms before the silent unit's timeout");
  CHECK(ahead >= 1s);  // not held back until the bus thread was free (1.5 s)
}

TEST_CASE("stopping fails queued work instead of dropping it", "[bus_owner]") {
  boost::asio::io_context io;
  const config::Bus bus = test::tcp_bus(test::free_tcp_port());
  auto d = test::device("x", bus, 1);
  test::add_point(d, "c", Table::coil, 0).writable = true;
  modbus::BusOwner owner(io, bus, {d}, nullptr);
  owner.stop();
  std::optional<modbus::WriteResult> w;
  owner.write("x.c", 1, [&](modbus::WriteResult r) { w = r; });
  REQUIRE(run_until(io, [&] { return w.has_value(); }));
  CHECK_FALSE(w->ok);
  CHECK(w->error == "bus tcp-test stopped");
}
