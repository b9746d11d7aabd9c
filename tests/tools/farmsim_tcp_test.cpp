// farmsim over Modbus TCP, seen by independent clients: libmodbus, mbpoll and pymodbus.
#include <catch2/catch.hpp>
#include <cerrno>

#include "tests/tools/farmsim_fixture.h"

using namespace farmgate::test;
using namespace std::chrono_literals;

namespace {

const char* kTwoUnitPlant = R"(
control: { port: auto }
servers:
  - tcp: { host: 127.0.0.1, port: 0 }
    units: [1, 2]
units:
  1:
    holding: { 0: 1234, 1: [0x42F6, 0xE979], 10: { float32: 5.62, order: ABCD } }
    input:   { 0x10: 7 }
    coil:    { 0: true, 1: false }
    discrete: { 3: true }
    size: { holding: 200 }
  2: { holding: { 0: 500 } }
)";

}  // namespace

TEST_CASE("farmsim serves every table over TCP to libmodbus", "[farmsim][tcp]") {
  TempDir dir("farmsim");
  Farmsim sim(dir, kTwoUnitPlant);
  auto mb = modbus_tcp_client(sim.tcp_port(), 1, 1000ms);

  uint16_t regs[3] = {};
  REQUIRE(modbus_read_registers(mb.get(), 0, 3, regs) == 3);
  CHECK(regs[0] == 1234);
  CHECK(regs[1] == 0x42F6);
  CHECK(regs[2] == 0xE979);
  REQUIRE(modbus_read_input_registers(mb.get(), 0x10, 1, regs) == 1);
  CHECK(regs[0] == 7);
  uint8_t bits[4] = {};
  REQUIRE(modbus_read_bits(mb.get(), 0, 2, bits) == 2);
  CHECK(bits[0] == 1);
  CHECK(bits[1] == 0);
  REQUIRE(modbus_read_input_bits(mb.get(), 2, 2, bits) == 2);
  CHECK(bits[0] == 0);
  CHECK(bits[1] == 1);

  SECTION("writes of each kind land in the tables") {
    REQUIRE(modbus_write_register(mb.get(), 5, 4321) == 1);
    uint16_t many[2] = {11, 22};
    REQUIRE(modbus_write_registers(mb.get(), 20, 2, many) == 2);
    REQUIRE(modbus_write_bit(mb.get(), 1, 1) == 1);
    uint8_t coils[3] = {1, 0, 1};
    REQUIRE(modbus_write_bits(mb.get(), 8, 3, coils) == 3);
    CHECK(sim.command("get 1 holding 5") == "ok 4321");
    CHECK(sim.command("get 1 holding 20 2") == "ok 11 22");
    CHECK(sim.command("get 1 coil 1") == "ok 1");
    CHECK(sim.command("get 1 coil 8 3") == "ok 1 0 1");
  }
  SECTION("a read past a table's size is an illegal data address") {
    CHECK(modbus_read_registers(mb.get(), 199, 2, regs) == -1);
    CHECK(errno == EMBXILADD);
  }
  SECTION("units are separate devices") {
    auto mb2 = modbus_tcp_client(sim.tcp_port(), 2, 1000ms);
    REQUIRE(modbus_read_registers(mb2.get(), 0, 1, regs) == 1);
    CHECK(regs[0] == 500);
  }
}

TEST_CASE("a unit the TCP server does not list never answers", "[farmsim][tcp]") {
  TempDir dir("farmsim");
  Farmsim sim(dir, kTwoUnitPlant);
  auto mb = modbus_tcp_client(sim.tcp_port(), 9, 150ms);
  uint16_t reg = 0;
  CHECK(modbus_read_registers(mb.get(), 0, 1, &reg) == -1);
  CHECK(errno == ETIMEDOUT);
}

TEST_CASE("a TCP server may answer absent units as a gateway would", "[farmsim][tcp]") {
  TempDir dir("farmsim");
  Farmsim sim(dir, R"(
servers:
  - tcp: { port: 0 }
    units: [1]
    absent: exception 11
)");
  auto mb = modbus_tcp_client(sim.tcp_port(), 9, 1000ms);
  uint16_t reg = 0;
  CHECK(modbus_read_registers(mb.get(), 0, 1, &reg) == -1);
  CHECK(errno == EMBXGTAR);
}

TEST_CASE("many TCP clients are served at the same time", "[farmsim][tcp]") {
  TempDir dir("farmsim");
  Farmsim sim(dir, kTwoUnitPlant);
  std::vector<ModbusPtr> clients;
  for (int i = 0; i < 8; ++i) clients.push_back(modbus_tcp_client(sim.tcp_port(), 1, 1000ms));
  // All connected before any is served: a one-client server would stall on the second.
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < clients.size(); ++i) {
      uint16_t v = static_cast<uint16_t>(100 * round + i);
      REQUIRE(modbus_write_register(clients[i].get(), 30 + static_cast<int>(i), v) == 1);
      uint16_t back = 0;
      REQUIRE(modbus_read_registers(clients[i].get(), 30 + static_cast<int>(i), 1, &back) == 1);
      CHECK(back == v);
    }
  }
  CHECK(sim.command("stats 1") == "ok requests=48 replies=48 exceptions=0");
}

TEST_CASE("mbpoll reads registers and writes a coil over TCP", "[farmsim][tcp][mbpoll]") {
  TempDir dir("farmsim");
  Farmsim sim(dir, kTwoUnitPlant);
  std::string port = std::to_string(sim.tcp_port());
  std::string out;
  REQUIRE(run_command({"mbpoll", "-m", "tcp", "-p", port, "-a", "1", "-t", "4", "-r", "1", "-c",
                       "2", "-1", "127.0.0.1"},
                      &out) == 0);
  CHECK(out.find("[1]: \t1234") != std::string::npos);
  CHECK(out.find("[2]: \t17142") != std::string::npos);
  REQUIRE(run_command({"mbpoll", "-m", "tcp", "-p", port, "-a", "1", "-t", "4:float", "-B", "-r",
                       "11", "-c", "1", "-1", "127.0.0.1"},
                      &out) == 0);
  CHECK(out.find("[11]: \t5.62") != std::string::npos);
  REQUIRE(run_command({"mbpoll", "-m", "tcp", "-p", port, "-a", "1", "-t", "0", "-r", "4",
                       "127.0.0.1", "1"},
                      &out) == 0);
  CHECK(sim.command("get 1 coil 3") == "ok 1");
}

TEST_CASE("pymodbus reads and writes over TCP", "[farmsim][tcp][pymodbus]") {
  TempDir dir("farmsim");
  Farmsim sim(dir, kTwoUnitPlant);
  std::string script =
      "import sys\n"
      "from pymodbus.client import ModbusTcpClient\n"
      "c = ModbusTcpClient('127.0.0.1', port=" +
      std::to_string(sim.tcp_port()) +
      ")\n"
      "assert c.connect()\n"
      "r = c.read_input_registers(0x10, 1, slave=1)\n"
      "print('input', r.registers[0])\n"
      "r = c.write_register(7, 77, slave=2)\n"
      "assert not r.isError(), r\n"
      "r = c.read_discrete_inputs(3, 1, slave=1)\n"
      "print('discrete', int(r.bits[0]))\n"
      "c.close()\n";
  std::string out;
  CHECK(run_command({system_python(), "-c", script}, &out) == 0);
  INFO(out);
  CHECK(out.find("input 7") != std::string::npos);
  CHECK(out.find("discrete 1") != std::string::npos);
  CHECK(sim.command("get 2 holding 7") == "ok 77");
}
