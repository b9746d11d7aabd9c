// The CLI's one-shot helpers against pymodbus.
#include <catch2/catch.hpp>

#include "drivers/modbus/oneshot.h"
#include "tests/drivers/modbus_peer.h"
#include "tests/support/temp_dir.h"

using namespace farmgate;
using namespace std::chrono_literals;
using config::Table;
using config::ValueType;

namespace {

config::Config pond_config(const config::Bus& bus) {
  config::Config c;
  c.buses.push_back(bus);
  auto d = test::device("pond", bus, 1);
  test::add_point(d, "temp", Table::holding, test::served::kInt16, ValueType::int16).scale = 0.1;
  test::add_point(d, "in7", Table::input, 7);
  test::add_point(d, "aerator", Table::coil, 9).writable = true;
  c.devices.push_back(d);
  auto dead = test::device("dead", bus, 42);
  test::add_point(dead, "x", Table::holding, 0);
  c.devices.push_back(dead);
  return c;
}

}  // namespace

TEST_CASE("one-shot read returns points in the order asked", "[oneshot][tcp]") {
  test::TempDir dir;
  auto peer = test::ModbusPeer::tcp(dir.path(), "1");
  config::Bus bus = test::tcp_bus(peer.port(), 200ms);
  bus.retries = 0;
  const auto cfg = pond_config(bus);
  const auto r = modbus::read_points(cfg, {"pond.in7", "nope.x", "dead.x", "pond.temp"});
  REQUIRE(r.size() == 4);
  CHECK(*r[0].value == 1007);
  CHECK(r[1].quality == Quality::error);
  CHECK(r[1].error == "unknown point nope.x");
  CHECK(r[2].quality == Quality::error);
  CHECK(r[2].error.find("timeout") != std::string::npos);
  CHECK(*r[3].value == Approx(-20.5));
}

TEST_CASE("one-shot write reads the value back", "[oneshot][tcp]") {
  test::TempDir dir;
  auto peer = test::ModbusPeer::tcp(dir.path(), "1");
  const auto cfg = pond_config(test::tcp_bus(peer.port()));
  auto w = modbus::write_point(cfg, "pond.aerator", 1);
  INFO(w.error);
  CHECK(w.ok);
  REQUIRE(w.readback);
  CHECK(*w.readback->value == 1);
  CHECK(*modbus::read_points(cfg, {"pond.aerator"})[0].value == 1);
  w = modbus::write_point(cfg, "pond.temp", 1);
  CHECK(w.error == "pond.temp is not writable");
}

TEST_CASE("scan finds the units that answer on TCP", "[oneshot][tcp]") {
  test::TempDir dir;
  auto peer = test::ModbusPeer::tcp(dir.path(), "2,4");
  const auto cfg = pond_config(test::tcp_bus(peer.port(), 100ms));
  std::vector<modbus::ScanProbe> probes;
  const auto r =
      modbus::scan_bus(cfg, "tcp-test", 1, 5, [&](const modbus::ScanProbe& p) { probes.push_back(p); });
  CHECK(r.ok);
  CHECK(r.present == std::vector<int>{2, 4});
  REQUIRE(probes.size() == 5);
  CHECK(probes[0].unit == 1);
  CHECK_FALSE(probes[0].present);
  CHECK(probes[1].present);
  CHECK_FALSE(modbus::scan_bus(cfg, "nope", 1, 2).ok);
}

TEST_CASE("scan finds the units that answer on RTU", "[oneshot][rtu]") {
  test::TempDir dir;
  test::PtyPair pty(dir.path());
  auto peer = test::ModbusPeer::rtu(dir.path(), pty.b(), pty.a(), "3,1");
  const auto cfg = pond_config(test::rtu_bus(pty.a(), 100ms));
  const auto r = modbus::scan_bus(cfg, "rtu-test", 1, 4);
  CHECK(r.ok);
  CHECK(r.present == std::vector<int>{1, 3});
}
