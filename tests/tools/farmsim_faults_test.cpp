// Each fault mode, observed from the client's side. Delays are checked through the client's
// response timeout (shorter: it times out; longer: it succeeds), never by a stopwatch.
#include <catch2/catch.hpp>
#include <cerrno>

#include "tests/tools/farmsim_fixture.h"

using namespace farmgate::test;
using namespace std::chrono_literals;

namespace {

std::string plant(const std::string& rtu_device) {
  std::string y = R"(
control: { port: auto }
servers:
  - tcp: { port: 0 }
    units: [1, 2]
)";
  if (!rtu_device.empty()) y += "  - rtu: { device: " + rtu_device + " }\n    units: [1, 2]\n";
  return y + R"(
units:
  1: { holding: { 0: [10, 11] } }
  2: { holding: { 0: 20 }, fault: exception 4 }
)";
}

// MBAP read of `count` holding registers from address 0 of `unit`.
std::vector<uint8_t> tcp_read(uint8_t unit, uint8_t count) {
  return {0x12, 0x34, 0, 0, 0, 6, unit, 3, 0, 0, 0, count};
}

}  // namespace

TEST_CASE("a silent unit never answers, and nothing it was asked happens", "[farmsim][fault]") {
  TempDir dir("farmsim");
  Farmsim sim(dir, plant(""));
  REQUIRE(sim.command("fault 1 silent") == "ok");
  auto mb = modbus_tcp_client(sim.tcp_port(), 1, 150ms);
  CHECK(modbus_write_register(mb.get(), 0, 99) == -1);
  CHECK(errno == ETIMEDOUT);
  CHECK(sim.command("get 1 holding 0") == "ok 10");
  CHECK(sim.command("stats 1") == "ok requests=1 replies=0 exceptions=0");
}

TEST_CASE("an exception fault answers every request with its code", "[farmsim][fault]") {
  TempDir dir("farmsim");
  Farmsim sim(dir, plant(""));
  REQUIRE(sim.command("fault 1 exception 2") == "ok");
  auto mb = modbus_tcp_client(sim.tcp_port(), 1, 1000ms);
  uint16_t reg = 0;
  CHECK(modbus_read_registers(mb.get(), 0, 1, &reg) == -1);
  CHECK(errno == EMBXILADD);
  CHECK(modbus_write_register(mb.get(), 0, 5) == -1);
  CHECK(errno == EMBXILADD);
  CHECK(sim.command("get 1 holding 0") == "ok 10");
  // Unit 2 has its fault from the file.
  auto mb2 = modbus_tcp_client(sim.tcp_port(), 2, 1000ms);
  CHECK(modbus_read_registers(mb2.get(), 0, 1, &reg) == -1);
  CHECK(errno == EMBXSFAIL);
  CHECK(sim.command("fault 2") == "ok exception 4");
  // And `none` heals both.
  REQUIRE(sim.command("fault 1 none") == "ok");
  CHECK(modbus_read_registers(mb.get(), 0, 1, &reg) == 1);
  CHECK(sim.command("stats 1") == "ok requests=3 replies=3 exceptions=2");
}

TEST_CASE("a slow unit answers after its delay", "[farmsim][fault]") {
  TempDir dir("farmsim");
  Farmsim sim(dir, plant(""));
  REQUIRE(sim.command("fault 1 slow 400") == "ok");
  uint16_t reg = 0;
  {
    auto impatient = modbus_tcp_client(sim.tcp_port(), 1, 100ms);
    CHECK(modbus_read_registers(impatient.get(), 0, 1, &reg) == -1);
    CHECK(errno == ETIMEDOUT);
    // The late reply is still sent (to a client that gave up).
    CHECK(
        wait_until([&] { return sim.command("stats 1").find("replies=1") != std::string::npos; }));
  }
  auto patient = modbus_tcp_client(sim.tcp_port(), 1, 3000ms);
  CHECK(modbus_read_registers(patient.get(), 0, 1, &reg) == 1);
  CHECK(reg == 10);
}

TEST_CASE("a flaky unit answers every other request", "[farmsim][fault]") {
  TempDir dir("farmsim");
  Farmsim sim(dir, plant(""));
  REQUIRE(sim.command("fault 1 flaky") == "ok");
  auto mb = modbus_tcp_client(sim.tcp_port(), 1, 150ms);
  std::vector<int> results;
  uint16_t reg = 0;
  for (int i = 0; i < 4; ++i) results.push_back(modbus_read_registers(mb.get(), 0, 1, &reg));
  CHECK(results == std::vector<int>{1, -1, 1, -1});
  CHECK(sim.command("stats 1") == "ok requests=4 replies=2 exceptions=0");
}

TEST_CASE("a badcrc unit's RTU replies fail the client's CRC check", "[farmsim][fault][rtu]") {
  TempDir dir("farmsim");
  PtyPair bus(dir.path());
  Farmsim sim(dir, plant(bus.b()));
  REQUIRE(sim.command("fault 1 badcrc") == "ok");
  auto mb = modbus_rtu_client(bus.a(), 1, 1000ms);
  uint16_t reg = 0;
  CHECK(modbus_read_registers(mb.get(), 0, 1, &reg) == -1);
  CHECK(errno == EMBBADCRC);
  // TCP has no CRC: the same unit answers there.
  auto tcp = modbus_tcp_client(sim.tcp_port(), 1, 1000ms);
  CHECK(modbus_read_registers(tcp.get(), 0, 1, &reg) == 1);
}

TEST_CASE("a wrongunit unit's replies carry another unit id", "[farmsim][fault]") {
  TempDir dir("farmsim");
  PtyPair bus(dir.path());
  Farmsim sim(dir, plant(bus.b()));
  REQUIRE(sim.command("fault 1 wrongunit") == "ok");
  auto mb = modbus_rtu_client(bus.a(), 1, 1000ms);
  uint16_t reg = 0;
  CHECK(modbus_read_registers(mb.get(), 0, 1, &reg) == -1);
  CHECK(errno == EMBBADSLAVE);
  auto reply = tcp_exchange(sim.tcp_port(), tcp_read(1, 1), 150ms);
  REQUIRE(reply.size() == 11);
  CHECK(reply[6] == 2);
  REQUIRE(sim.command("fault 1 wrongunit 7") == "ok");
  reply = tcp_exchange(sim.tcp_port(), tcp_read(1, 1), 150ms);
  REQUIRE(reply.size() == 11);
  CHECK(reply[6] == 7);
}

TEST_CASE("a truncate unit sends frames shorter than they announce", "[farmsim][fault]") {
  TempDir dir("farmsim");
  PtyPair bus(dir.path());
  Farmsim sim(dir, plant(bus.b()));
  REQUIRE(sim.command("fault 1 truncate") == "ok");
  // TCP: the MBAP length says 7 bytes follow the header's first 6; fewer come.
  auto reply = tcp_exchange(sim.tcp_port(), tcp_read(1, 2), 150ms);
  REQUIRE(reply.size() >= 6);
  CHECK(reply.size() < 6u + ((reply[4] << 8) | reply[5]));
  // RTU: a 9-byte reply (unit fc count 4 data crc) arrives short, and libmodbus fails.
  auto rtu = pty_exchange(bus.a(), rtu_request(1, {3, 0, 0, 0, 2}), 150ms);
  CHECK(!rtu.empty());
  CHECK(rtu.size() < 9);
  auto mb = modbus_rtu_client(bus.a(), 1, 300ms);
  uint16_t regs[2] = {};
  CHECK(modbus_read_registers(mb.get(), 0, 2, regs) == -1);
  CHECK(sim.command("stats 1") == "ok requests=3 replies=3 exceptions=0");
}
