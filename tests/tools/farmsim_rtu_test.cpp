// farmsim on an RS-485 line made of a socat pty pair: several units share the line, and only
// the addressed one answers.
#include <catch2/catch.hpp>
#include <cerrno>

#include "tests/tools/farmsim_fixture.h"

using namespace farmgate::test;
using namespace std::chrono_literals;

namespace {

std::string line_yaml(const PtyPair& bus) {
  return R"(
control: { port: auto }
servers:
  - rtu: { device: )" +
         bus.b() + R"(, baud: 9600, parity: none }
    units: [2, 3]
units:
  2: { holding: { 0: 222 }, coil: { 4: true } }
  3: { holding: { 0: 333 }, input: { 1: 31 } }
)";
}

}  // namespace

TEST_CASE("two units on one RTU line each answer for themselves", "[farmsim][rtu]") {
  TempDir dir("farmsim");
  PtyPair bus(dir.path());
  Farmsim sim(dir, line_yaml(bus));
  uint16_t reg = 0;
  {
    auto mb = modbus_rtu_client(bus.a(), 2, 1000ms);
    REQUIRE(modbus_read_registers(mb.get(), 0, 1, &reg) == 1);
    CHECK(reg == 222);
    uint8_t bit = 0;
    REQUIRE(modbus_read_bits(mb.get(), 4, 1, &bit) == 1);
    CHECK(bit == 1);
    modbus_set_slave(mb.get(), 3);
    REQUIRE(modbus_read_registers(mb.get(), 0, 1, &reg) == 1);
    CHECK(reg == 333);
    REQUIRE(modbus_read_input_registers(mb.get(), 1, 1, &reg) == 1);
    CHECK(reg == 31);
    REQUIRE(modbus_write_register(mb.get(), 9, 99) == 1);
    uint16_t pair[2] = {5, 6};
    REQUIRE(modbus_write_registers(mb.get(), 10, 2, pair) == 2);
  }
  CHECK(sim.command("get 3 holding 9 3") == "ok 99 5 6");
  CHECK(sim.command("get 2 holding 9 3") == "ok 0 0 0");
}

TEST_CASE("a unit absent from the RTU line gets no reply", "[farmsim][rtu]") {
  TempDir dir("farmsim");
  PtyPair bus(dir.path());
  Farmsim sim(dir, line_yaml(bus));
  auto mb = modbus_rtu_client(bus.a(), 4, 150ms);
  uint16_t reg = 0;
  CHECK(modbus_read_registers(mb.get(), 0, 1, &reg) == -1);
  CHECK(errno == ETIMEDOUT);
  // The line still works for the units that are there.
  modbus_set_slave(mb.get(), 2);
  modbus_set_response_timeout(mb.get(), 1, 0);
  CHECK(modbus_read_registers(mb.get(), 0, 1, &reg) == 1);
}

TEST_CASE("a request with a bad CRC is dropped and the next one answered", "[farmsim][rtu]") {
  TempDir dir("farmsim");
  PtyPair bus(dir.path());
  Farmsim sim(dir, line_yaml(bus));
  auto bad = rtu_request(2, {3, 0, 0, 0, 1});
  bad.back() ^= 0x55;
  CHECK(pty_exchange(bus.a(), bad, 150ms).empty());
  auto reply = pty_exchange(bus.a(), rtu_request(2, {3, 0, 0, 0, 1}), 150ms);
  CHECK(reply == rtu_request(2, {3, 2, 0, 222}));
  CHECK(sim.command("stats 2") == "ok requests=1 replies=1 exceptions=0");
}

TEST_CASE("an unknown function code on RTU gets exception 1", "[farmsim][rtu]") {
  TempDir dir("farmsim");
  PtyPair bus(dir.path());
  Farmsim sim(dir, line_yaml(bus));
  // Function 0x41 has no known layout: the frame ends at the silence after it.
  auto reply = pty_exchange(bus.a(), rtu_request(3, {0x41, 1, 2, 3}), 200ms);
  CHECK(reply == rtu_request(3, {0xC1, 1}));
}

TEST_CASE("a broadcast write reaches every unit on the line and nobody answers", "[farmsim][rtu]") {
  TempDir dir("farmsim");
  PtyPair bus(dir.path());
  Farmsim sim(dir, line_yaml(bus));
  CHECK(pty_exchange(bus.a(), rtu_request(0, {6, 0, 7, 0, 42}), 150ms).empty());
  CHECK(sim.command("get 2 holding 7") == "ok 42");
  CHECK(sim.command("get 3 holding 7") == "ok 42");
}

TEST_CASE("mbpoll reads and writes over RTU", "[farmsim][rtu][mbpoll]") {
  TempDir dir("farmsim");
  PtyPair bus(dir.path());
  Farmsim sim(dir, line_yaml(bus));
  std::string out;
  REQUIRE(run_command({"mbpoll", "-m", "rtu", "-b", "9600", "-P", "none", "-a", "3", "-t", "4",
                       "-r", "1", "-c", "1", "-1", bus.a()},
                      &out) == 0);
  INFO(out);
  CHECK(out.find("[1]: \t333") != std::string::npos);
  REQUIRE(run_command({"mbpoll", "-m", "rtu", "-b", "9600", "-P", "none", "-a", "2", "-t", "4",
                       "-r", "3", bus.a(), "1500"},
                      &out) == 0);
  CHECK(sim.command("get 2 holding 2") == "ok 1500");
}
