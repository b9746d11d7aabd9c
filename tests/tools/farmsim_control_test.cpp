// The control channel: what tests and the demo use to set sensor values, see what a client
// drove, count requests, and stop farmsim.
#include <catch2/catch.hpp>
#include <csignal>

#include "tests/tools/farmsim_fixture.h"

using namespace farmgate::test;
using namespace std::chrono_literals;

namespace {

const char* kControlPlant = R"(
control: { port: auto }
servers:
  - tcp: { port: 0 }
    units: [1]
units:
  1: { size: { holding: 50, coil: 8 } }
)";

}  // namespace

TEST_CASE("values set on the control channel are what a client reads", "[farmsim][control]") {
  TempDir dir("farmsim");
  Farmsim sim(dir, kControlPlant);
  CHECK(sim.command("set 1 holding 3 7 -1 0x10") == "ok");
  CHECK(sim.command("set 1 holding 10 float32:5.62 int32:-2:CDAB") == "ok");
  CHECK(sim.command("set 1 coil 2 true 0 on") == "ok");
  CHECK(sim.command("get 1 holding 3 3") == "ok 7 65535 16");
  CHECK(sim.command("get 1 holding 10 4") == "ok 16563 55050 65534 65535");
  auto mb = modbus_tcp_client(sim.tcp_port(), 1, 1000ms);
  uint16_t regs[2] = {};
  REQUIRE(modbus_read_registers(mb.get(), 10, 2, regs) == 2);
  CHECK(modbus_get_float_abcd(regs) == Approx(5.62f));
  uint8_t bits[3] = {};
  REQUIRE(modbus_read_bits(mb.get(), 2, 3, bits) == 3);
  CHECK((bits[0] == 1 && bits[1] == 0 && bits[2] == 1));
}

TEST_CASE("a coil a client drove is visible to get, and stats count it", "[farmsim][control]") {
  TempDir dir("farmsim");
  Farmsim sim(dir, kControlPlant);
  auto mb = modbus_tcp_client(sim.tcp_port(), 1, 1000ms);
  REQUIRE(modbus_write_bit(mb.get(), 5, 1) == 1);
  CHECK(sim.command("get 1 coil 5") == "ok 1");
  uint16_t reg = 0;
  CHECK(modbus_read_registers(mb.get(), 60, 1, &reg) == -1);  // past size 50
  CHECK(sim.command("stats 1") == "ok requests=2 replies=2 exceptions=1");
}

TEST_CASE("bad control commands get an error line and change nothing", "[farmsim][control]") {
  TempDir dir("farmsim");
  Farmsim sim(dir, kControlPlant);
  struct Case {
    const char* line;
    const char* starts;
  };
  for (const Case& c : {
           Case{"set 9 holding 0 1", "error: unknown unit 9"},
           Case{"set 1 register 0 1", "error: bad table 'register'"},
           Case{"set 1 holding 49 1 2", "error: past the end of the holding table"},
           Case{"set 1 holding 0 70000", "error: bad register value '70000'"},
           Case{"set 1 coil 0 maybe", "error: bad bit 'maybe'"},
           Case{"get 1 holding", "error: usage: get"},
           Case{"fault 1 sleepy", "error: unknown fault 'sleepy'"},
           Case{"stats", "error: usage: stats"},
           Case{"launch", "error: unknown command 'launch'"},
       }) {
    std::string reply = sim.command(c.line);
    INFO(c.line << " -> " << reply);
    CHECK(reply.rfind(c.starts, 0) == 0);
  }
  CHECK(sim.command("get 1 holding 0 1") == "ok 0");
}

TEST_CASE("quit closes the connection, shutdown stops farmsim cleanly", "[farmsim][control]") {
  TempDir dir("farmsim");
  Farmsim sim(dir, kControlPlant);
  CHECK(sim.command("quit") == "ok bye");
  CHECK(sim.process().running());
  CHECK(sim.command("shutdown") == "ok");
  CHECK(sim.process().wait(5s) == 0);
}

TEST_CASE("SIGTERM and SIGINT stop farmsim with exit code 0", "[farmsim]") {
  for (int sig : {SIGTERM, SIGINT}) {
    TempDir dir("farmsim");
    Farmsim sim(dir, kControlPlant);
    sim.process().signal(sig);
    CHECK(sim.process().wait(5s) == 0);
  }
}
