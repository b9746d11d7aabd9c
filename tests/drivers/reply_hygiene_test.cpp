// Spec §7 "a reply is data only if it answers the request in flight", against a raw Modbus TCP
// server that misbehaves on purpose (misbehaving_server.py: late by 1 s, wrong unit id, wrong
// transaction id, junk after the reply) with a healthy unit beside it on the same connection.
// Unit u serves register i as u*100 + i; a misbehaving reply carries 9999.
#include <catch2/catch.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <map>
#include <sstream>

#include "drivers/modbus/bus_owner.h"
#include "drivers/modbus/link.h"
#include "tests/drivers/modbus_peer.h"
#include "tests/drivers/run_io.h"
#include "tests/support/temp_dir.h"

using namespace farmgate;
using namespace std::chrono_literals;
using test::run_for;
using config::Table;

namespace {

struct Misbehaving {
  Misbehaving(const std::string& dir, const std::string& modes) : port(test::free_tcp_port()) {
    std::vector<std::string> argv{test::system_python(),
                                  std::string(FARMGATE_SOURCE_DIR) +
                                      "/tests/drivers/misbehaving_server.py",
                                  std::to_string(port)};
    std::istringstream in(modes);
    for (std::string m; in >> m;) argv.push_back(m);
    proc = std::make_unique<test::Process>(argv, dir + "/misbehaving.log");
    if (!test::wait_for_tcp_port(port)) FAIL("server did not listen: " << proc->log_text());
  }
  // Requests the server received for `unit`: the rate as the peer sees it.
  int requests(int unit) const {
    std::istringstream in(proc->log_text());
    const std::string want = "request unit " + std::to_string(unit);
    int n = 0;
    for (std::string line; std::getline(in, line);) n += line == want;
    return n;
  }
  int port;
  std::unique_ptr<test::Process> proc;
};


}  // namespace

TEST_CASE("a late reply is never taken as the answer to the next request", "[link][tcp][hygiene]") {
  test::TempDir dir;
  Misbehaving server(dir.path(), "2=late");
  modbus::Link link(test::tcp_bus(server.port, 300ms));
  const modbus::LinkResult slow = link.read(2, Table::holding, 0, 2);
  CHECK(slow.kind == modbus::LinkError::timeout);
  // Unit 1 at full speed while unit 2's reply comes in (at 1 s): every answer is unit 1's own.
  const auto end = std::chrono::steady_clock::now() + 1500ms;
  int reads = 0;
  while (std::chrono::steady_clock::now() < end) {
    const modbus::LinkResult r = link.read(1, Table::holding, 0, 2);
    INFO("read " << reads << ": " << r.error);
    REQUIRE(r.ok());
    CHECK(r.values == std::vector<std::uint16_t>{100, 101});
    ++reads;
  }
  CHECK(reads > 10);
  // The late unit's reply, even when it comes in time, is its own.
  const modbus::LinkResult again = link.read(2, Table::holding, 5, 1);
  CHECK(again.kind == modbus::LinkError::timeout);
  CHECK(link.read(1, Table::holding, 7, 1).values == std::vector<std::uint16_t>{107});
}

TEST_CASE("a reply carrying another unit id is a protocol error, not data", "[link][tcp][hygiene]") {
  test::TempDir dir;
  Misbehaving server(dir.path(), "2=wrong_unit");
  modbus::Link link(test::tcp_bus(server.port, 300ms));
  const modbus::LinkResult r = link.read(2, Table::holding, 0, 2);
  CHECK(r.kind == modbus::LinkError::protocol);
  CHECK(r.error == "reply from unit 1 to a request for unit 2");
  CHECK(r.values.empty());
  // The connection stays in step: the neighbour reads right at once.
  CHECK(link.read(1, Table::holding, 0, 2).values == std::vector<std::uint16_t>{100, 101});
}

TEST_CASE("a reply with another transaction id is skipped and the request times out",
          "[link][tcp][hygiene]") {
  test::TempDir dir;
  Misbehaving server(dir.path(), "2=wrong_tid");
  modbus::Link link(test::tcp_bus(server.port, 300ms));
  const modbus::LinkResult r = link.read(2, Table::holding, 0, 2);
  CHECK(r.kind == modbus::LinkError::timeout);
  CHECK(r.values.empty());
  CHECK(link.read(1, Table::holding, 0, 2).values == std::vector<std::uint16_t>{100, 101});
}

TEST_CASE("junk after a reply is discarded and the next request is answered right",
          "[link][tcp][hygiene]") {
  test::TempDir dir;
  Misbehaving server(dir.path(), "2=junk");
  modbus::Link link(test::tcp_bus(server.port, 300ms));
  for (int i = 0; i < 20; ++i) {
    INFO("round " << i);
    const modbus::LinkResult a = link.read(2, Table::holding, 0, 2);
    // The junk may come before the next request (discarded) or, on a busy machine, during it
    // (the stream lost its frames: reconnect); never as data.
    if (a.ok()) CHECK(a.values == std::vector<std::uint16_t>{200, 201});
    modbus::LinkResult b = link.read(1, Table::holding, 0, 2);
    if (!b.ok()) b = link.read(1, Table::holding, 0, 2);  // one retry, as the bus owner does
    REQUIRE(b.ok());
    CHECK(b.values == std::vector<std::uint16_t>{100, 101});
  }
}

TEST_CASE("over RTU a reply from another unit id is a protocol error, not data",
          "[link][rtu][hygiene]") {
  test::TempDir dir;
  test::PtyPair pty(dir.path());
  test::Process server({test::system_python(),
                        std::string(FARMGATE_SOURCE_DIR) + "/tests/drivers/misbehaving_server.py",
                        "--rtu-wrong-unit", pty.b()},
                       dir.path() + "/rtu.log");
  REQUIRE(test::wait_until([&] { return server.log_text().find("ready") != std::string::npos; }));
  modbus::Link link(test::rtu_bus(pty.a(), 300ms));
  for (int i = 0; i < 3; ++i) {
    const modbus::LinkResult r = link.read(1, Table::holding, 0, 2);
    INFO(r.error);
    CHECK(r.kind == modbus::LinkError::protocol);
    CHECK(r.values.empty());
  }
  // The server did answer each (as unit 2): the error is the unit id, not a timeout.
  CHECK(server.log_text().find("request unit 1") != std::string::npos);
}

TEST_CASE("a reply cut short is a protocol error naming its bytes, and the next request on a "
          "new connection is answered",
          "[link][tcp][hygiene]") {
  test::TempDir dir;
  Misbehaving server(dir.path(), "2=truncated");
  modbus::Link link(test::tcp_bus(server.port, 300ms));
  const modbus::LinkResult cut = link.read(2, Table::holding, 0, 2);
  CHECK(cut.kind == modbus::LinkError::protocol);  // something answered: not silence
  CHECK(cut.error == "unit 2: truncated reply (9 bytes)");
  CHECK(cut.values.empty());
  const modbus::LinkResult next = link.read(1, Table::holding, 0, 2);
  REQUIRE(next.ok());
  CHECK(next.values == std::vector<std::uint16_t>{100, 101});
}

TEST_CASE("a misbehaving unit leaves its neighbour's poll rate and readings alone",
          "[bus_owner][tcp][hygiene]") {
  const std::string mode = GENERATE("late", "wrong_unit", "wrong_tid", "junk");
  INFO("unit 2: " << mode);
  test::TempDir dir;
  Misbehaving server(dir.path(), "2=" + mode);
  // A 100 ms timeout: a late (1 s) reply always misses it and arrives during later requests.
  // The bus is one transaction at a time, so each timeout of unit 2 delays unit 1 by as much;
  // backoff keeps those few.
  config::Bus bus = test::tcp_bus(server.port, 100ms);
  bus.retries = 1;
  std::vector<config::Device> devices;
  for (int unit : {1, 2}) {
    auto d = test::device("u" + std::to_string(unit), bus, unit, 200ms);
    test::add_point(d, "a", Table::holding, 0);
    test::add_point(d, "b", Table::holding, 1);
    devices.push_back(d);
  }
  boost::asio::io_context io;
  std::map<std::string, std::vector<modbus::DevicePoll>> polls;
  modbus::BusOwner owner(io, bus, devices,
                         [&](modbus::DevicePoll p) { polls[p.device].push_back(std::move(p)); });
  owner.start();
  run_for(io, 3s);
  owner.stop();
  run_for(io, 100ms);

  // 3 s at 200 ms: 15 polls plus the first. At least 0.8 of that, counted at the server.
  INFO("requests for unit 1: " << server.requests(1) << ", polls " << polls["u1"].size());
  CHECK(server.requests(1) >= 12);
  int good = 0;
  for (const auto& p : polls["u1"]) {
    good += p.ok;
    for (const auto& r : p.readings) {
      if (r.quality != Quality::good) continue;
      const double want = r.point == "u1.a" ? 100 : 101;
      CHECK(*r.value == want);  // never unit 2's value, never 9999
    }
  }
  CHECK(good >= 12);
  for (const auto& p : polls["u2"]) {
    for (const auto& r : p.readings) {
      if (r.quality != Quality::good) continue;
      CHECK(mode == "junk");  // only a reply that answers the request is data
      CHECK(*r.value == (r.point == "u2.a" ? 200 : 201));
    }
  }
}
