// The link and the device transactions against independent peers: pymodbus over TCP and over
// RTU on a socat pty pair, and mbpoll reading the same registers.
#include <catch2/catch.hpp>

#include <cmath>
#include <regex>

#include "drivers/modbus/link.h"
#include "drivers/modbus/transactions.h"
#include "tests/drivers/modbus_peer.h"
#include "tests/support/temp_dir.h"

using namespace farmgate;
using config::ByteOrder;
using config::Table;
using config::ValueType;
namespace served = test::served;

namespace {

// A device whose points cover every layout modbus_server.py serves.
config::Device known_device(const config::Bus& bus, int unit) {
  config::Device d = test::device("probe", bus, unit);
  test::add_point(d, "unit", Table::holding, served::kUnitId);
  test::add_point(d, "temp", Table::holding, served::kInt16, ValueType::int16).scale = 0.1;
  test::add_point(d, "f_abcd", Table::holding, served::kFloatABCD, ValueType::float32);
  test::add_point(d, "f_cdab", Table::holding, served::kFloatCDAB, ValueType::float32,
                  ByteOrder::CDAB);
  test::add_point(d, "i32", Table::holding, served::kInt32, ValueType::int32);
  test::add_point(d, "pi", Table::holding, served::kFloat64, ValueType::float64);
  test::add_point(d, "i64", Table::holding, served::kInt64Min, ValueType::int64);
  test::add_point(d, "in5", Table::input, 5);
  test::add_point(d, "c0", Table::coil, 0);
  test::add_point(d, "c1", Table::coil, 1);
  test::add_point(d, "c2", Table::coil, 2);
  test::add_point(d, "d1", Table::discrete, 1);
  return d;
}

std::vector<std::size_t> all_points(const config::Device& d) {
  std::vector<std::size_t> v;
  for (std::size_t i = 0; i < d.points.size(); ++i) v.push_back(i);
  return v;
}

void check_known_values(modbus::Link& link, int unit) {
  const config::Device d = known_device(link.bus(), unit);
  const modbus::PointsRead r = modbus::read_points(link, d, all_points(d), 2);
  INFO(r.error);
  REQUIRE(r.ok);
  const std::vector<double> expected = {
      double(unit), -20.5, 123.456f, 123.456f, -123456, M_PI, -9223372036854775808.0,
      1005,         1,     0,        1,        1};
  REQUIRE(r.readings.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO(r.readings[i].point);
    CHECK(r.readings[i].quality == Quality::good);
    REQUIRE(r.readings[i].value);
    CHECK(*r.readings[i].value == Approx(expected[i]));
    CHECK(r.readings[i].ts_ms > 0);
  }
  CHECK(r.readings[8].boolean);
}

void check_writes(modbus::Link& link, int unit) {
  config::Device d = known_device(link.bus(), unit);
  auto& coil = test::add_point(d, "c5", Table::coil, 5);
  const config::Point coil_pt = coil;
  const config::Point reg = test::add_point(d, "setpoint", Table::holding, served::kScratch);
  config::Point flt = test::add_point(d, "target", Table::holding, served::kScratch + 2,
                                      ValueType::float32, ByteOrder::CDAB);
  // FC05 + read-back
  auto w = modbus::write_point(link, d, coil_pt, 1, 2);
  INFO(w.error);
  CHECK(w.ok);
  REQUIRE(w.readback);
  CHECK(*w.readback->value == 1);
  CHECK(link.read(unit, Table::coil, 5, 1).values == std::vector<std::uint16_t>{1});
  // FC06
  w = modbus::write_point(link, d, reg, 4321, 2);
  CHECK(w.ok);
  CHECK(link.read(unit, Table::holding, served::kScratch, 1).values ==
        std::vector<std::uint16_t>{4321});
  // FC16, a word-swapped float
  w = modbus::write_point(link, d, flt, 12.5, 2);
  CHECK(w.ok);
  REQUIRE(w.readback);
  CHECK(*w.readback->value == 12.5);
  CHECK(link.read(unit, Table::holding, served::kScratch + 2, 2).values ==
        std::vector<std::uint16_t>{0x0000, 0x4148});
}

}  // namespace

TEST_CASE("values decode as pymodbus serves them over TCP", "[link][tcp]") {
  test::TempDir dir;
  auto peer = test::ModbusPeer::tcp(dir.path(), "1,7");
  modbus::Link link(test::tcp_bus(peer.port()));
  check_known_values(link, 7);
  check_known_values(link, 1);
}

TEST_CASE("values decode as pymodbus serves them over RTU", "[link][rtu]") {
  test::TempDir dir;
  test::PtyPair pty(dir.path());
  auto peer = test::ModbusPeer::rtu(dir.path(), pty.b(), pty.a(), "3,4");
  modbus::Link link(test::rtu_bus(pty.a()));
  check_known_values(link, 3);
  check_known_values(link, 4);
}

TEST_CASE("coil and register writes are read back over TCP", "[link][tcp]") {
  test::TempDir dir;
  auto peer = test::ModbusPeer::tcp(dir.path(), "1");
  modbus::Link link(test::tcp_bus(peer.port()));
  check_writes(link, 1);
}

TEST_CASE("coil and register writes are read back over RTU", "[link][rtu]") {
  test::TempDir dir;
  test::PtyPair pty(dir.path());
  auto peer = test::ModbusPeer::rtu(dir.path(), pty.b(), pty.a(), "2");
  modbus::Link link(test::rtu_bus(pty.a()));
  check_writes(link, 2);
}

TEST_CASE("an exception reply is named and a silent unit times out", "[link][tcp]") {
  test::TempDir dir;
  auto peer = test::ModbusPeer::tcp(dir.path(), "1");
  modbus::Link link(test::tcp_bus(peer.port(), Duration(150)));
  auto r = link.read(1, Table::holding, served::kSize, 1);
  CHECK(r.kind == modbus::LinkError::exception);
  CHECK(r.exception_code == 2);
  CHECK(r.error == "illegal data address (exception 2)");
  CHECK(r.replied());
  r = link.read(9, Table::holding, 0, 1);
  CHECK(r.kind == modbus::LinkError::timeout);
  CHECK_FALSE(r.replied());
  CHECK(r.error.find("unit 9") != std::string::npos);
  // The link still works after both.
  CHECK(link.read(1, Table::holding, 0, 1).values == std::vector<std::uint16_t>{1});
}

TEST_CASE("a refused TCP connection is an error, and the link reconnects later", "[link][tcp]") {
  test::TempDir dir;
  const int port = test::free_tcp_port();
  modbus::Link link(test::tcp_bus(port));
  auto r = link.read(1, Table::holding, 0, 1);
  CHECK(r.kind == modbus::LinkError::link);
  CHECK(r.error.find("connection refused") != std::string::npos);
  auto peer = test::ModbusPeer::tcp(dir.path(), "1", port);
  CHECK(link.read(1, Table::holding, 0, 1).ok());
  peer.stop();  // the server goes away: the broken connection is noticed and closed
  r = link.read(1, Table::holding, 0, 1);
  CHECK_FALSE(r.ok());
  CHECK_FALSE(link.is_open());
  auto again = test::ModbusPeer::tcp(dir.path(), "1", port);
  r = link.read(1, Table::holding, 0, 1);
  INFO(r.error);
  CHECK(r.ok());
}

TEST_CASE("an unplugged serial adapter is reopened when its path returns", "[link][rtu]") {
  test::TempDir dir;
  auto pty = std::make_unique<test::PtyPair>(dir.path());
  auto peer = test::ModbusPeer::rtu(dir.path(), pty->b(), pty->a(), "1");
  modbus::Link link(test::rtu_bus(pty->a()));
  REQUIRE(link.read(1, Table::holding, 0, 1).ok());
  peer.stop();
  pty->stop();  // the adapter is gone, and its device path with it
  auto r = link.read(1, Table::holding, 0, 1);
  CHECK_FALSE(r.ok());
  r = link.read(1, Table::holding, 0, 1);
  CHECK(r.kind == modbus::LinkError::link);
  CHECK(r.error.find("cannot open") != std::string::npos);
  CHECK_FALSE(link.is_open());

  pty = std::make_unique<test::PtyPair>(dir.path());  // plugged back in: same path
  auto peer2 = test::ModbusPeer::rtu(dir.path(), pty->b(), pty->a(), "1");
  r = link.read(1, Table::holding, 0, 1);
  INFO(r.error);
  CHECK(r.ok());
}

TEST_CASE("mbpoll reads the same registers as the link", "[link][tcp][mbpoll]") {
  test::TempDir dir;
  auto peer = test::ModbusPeer::tcp(dir.path(), "5");
  modbus::Link link(test::tcp_bus(peer.port()));
  const auto ours = link.read(5, Table::holding, 0, 16);
  REQUIRE(ours.ok());

  std::string out;
  const int rc = test::run_command({"mbpoll", "-m", "tcp", "-p", std::to_string(peer.port()),
                                    "-a", "5", "-t", "4:hex", "-0", "-r", "0", "-c", "16", "-1",
                                    "127.0.0.1"},
                                   &out);
  INFO(out);
  REQUIRE(rc == 0);
  std::vector<std::uint16_t> theirs(16, 0);
  int found = 0;
  const std::regex line(R"(\[(\d+)\]:\s+0x([0-9A-Fa-f]{4}))");
  for (std::sregex_iterator it(out.begin(), out.end(), line), end; it != end; ++it) {
    const int reg = std::stoi((*it)[1]);
    if (reg >= 0 && reg < 16) {
      theirs[static_cast<std::size_t>(reg)] =
          static_cast<std::uint16_t>(std::stoul((*it)[2], nullptr, 16));
      ++found;
    }
  }
  CHECK(found == 16);
  CHECK(ours.values == theirs);
}
