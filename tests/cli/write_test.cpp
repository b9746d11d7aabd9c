// `farmgate write -c FILE POINT VALUE` (spec §2): a write the technician can see on the device
// (farmsim's `get`), read back; mistakes refused before any bus traffic.
#include <catch2/catch.hpp>

#include "tests/cli/cli_fixture.h"
#include "tests/tools/farmsim_fixture.h"

using namespace farmgate::test;

namespace {

struct Pond {
  explicit Pond(const std::string& timing = "timeout: 300ms")
      : sim(dir, pond_sim("tcp: { host: 127.0.0.1, port: 0 }")),
        cfg(dir.write("farmgate.yaml",
                      pond_config("tcp: { host: 127.0.0.1, port: " +
                                  std::to_string(sim.tcp_port()) + " }, " + timing))) {}
  CliRun write(const std::string& point, const std::string& value) {
    return run_farmgate(dir, {"write", "-c", cfg, point, value});
  }
  TempDir dir{"cli"};
  Farmsim sim;
  std::string cfg;
};

}  // namespace

TEST_CASE("write switches a coil on, then off", "[cli][write]") {
  Pond pond;
  CliRun r = pond.write("pond1.feeder", "on");
  CHECK(r.out == "pond1.feeder = on (read back)\n");
  CHECK(r.err == "");
  CHECK(r.code == 0);
  CHECK(pond.sim.command("get 1 coil 1") == "ok 1");
  r = pond.write("pond1.feeder", "off");
  CHECK(r.out == "pond1.feeder = off (read back)\n");
  CHECK(r.err == "");
  CHECK(r.code == 0);
  CHECK(pond.sim.command("get 1 coil 1") == "ok 0");
  // The neighbour on the same board is untouched.
  CHECK(pond.sim.command("get 1 coil 0") == "ok 1");
}

TEST_CASE("write accepts every spelling of a bool", "[cli][write]") {
  Pond pond;
  for (const auto& [text, bit] : std::vector<std::pair<std::string, std::string>>{
           {"0", "0"}, {"1", "1"}, {"false", "0"}, {"true", "1"}, {"off", "0"}}) {
    INFO(text);
    CHECK(pond.write("pond1.aerator", text).code == 0);
    CHECK(pond.sim.command("get 1 coil 0") == "ok " + bit);
  }
}

TEST_CASE("write stores a float32 holding register and reads it back", "[cli][write]") {
  Pond pond;
  CliRun r = pond.write("pond1.setpoint", "6.25");
  CHECK(r.out == "pond1.setpoint = 6.25 mg/L (read back)\n");
  CHECK(r.err == "");
  CHECK(r.code == 0);
  CHECK(pond.sim.command("get 1 holding 10 2") == "ok 16584 0");  // 0x40C8 0x0000, ABCD
  r = run_farmgate(pond.dir, {"read", "-c", pond.cfg, "pond1.setpoint"});
  CHECK(r.out == "pond1.setpoint = 6.25 mg/L\n");
  r = pond.write("pond1.setpoint", "-0.1");
  CHECK(r.out == "pond1.setpoint = -0.1 mg/L (read back)\n");
  CHECK(r.code == 0);
}

TEST_CASE("write to a point that is not writable is exit 2 and writes nothing", "[cli][write]") {
  Pond pond;
  CliRun r = pond.write("pond1.temp", "20");
  CHECK(r.code == 2);
  CHECK(r.out == "");
  CHECK(r.err ==
        "error: pond1.temp is not writable (set `writable: true` on a coil or holding point)\n");
  r = pond.write("pond1.feder", "on");
  CHECK(r.code == 2);
  CHECK(r.out == "");
  CHECK(r.err == "error: no point 'pond1.feder' in " + pond.cfg +
                     " (did you mean 'pond1.feeder'?)\n");
  CHECK(pond.sim.command("stats 1") == "ok requests=0 replies=0 exceptions=0");
  CHECK(pond.sim.command("get 1 holding 0") == "ok 235");
}

TEST_CASE("write of a value that does not fit the point is exit 2 and writes nothing",
          "[cli][write]") {
  struct Case {
    std::string point, value, expected;
  };
  Pond pond;
  for (const auto& c : {
           Case{"pond1.feeder", "maybe", "on, off, true, false, 1 or 0"},
           Case{"pond1.feeder", "2", "on, off, true, false, 1 or 0"},
           Case{"pond1.feeder", "ON ", "on, off, true, false, 1 or 0"},
           Case{"pond1.setpoint", "abc", "a number"},
           Case{"pond1.setpoint", "6,25", "a number"},
           Case{"pond1.setpoint", "nan", "a number"},
           Case{"pond1.setpoint", "", "a number"},
       }) {
    INFO(c.point << " '" << c.value << "'");
    CliRun r = pond.write(c.point, c.value);
    CHECK(r.code == 2);
    CHECK(r.out == "");
    CHECK(r.err == "error: '" + c.value + "' is not a value for " + c.point + ": expected " +
                       c.expected + "\n");
  }
  CHECK(pond.sim.command("stats 1") == "ok requests=0 replies=0 exceptions=0");
}

TEST_CASE("write of a number out of the register's range is exit 2", "[cli][write]") {
  Pond pond;
  CliRun r = pond.write("broken.level", "70000");  // uint16
  CHECK(r.code == 2);
  CHECK(r.out == "");
  CHECK(r.err.find("error: '70000' is not a value for broken.level: ") == 0);
  r = pond.write("broken.level", "-1");
  CHECK(r.code == 2);
  CHECK(pond.sim.command("stats 2") == "ok requests=0 replies=0 exceptions=0");
}

TEST_CASE("write of a number out of range names what the register holds", "[cli][write]") {
  Pond pond;
  CliRun r = pond.write("broken.level", "70000");
  CHECK(r.code == 2);
  CHECK(r.err ==
        "error: '70000' is not a value for broken.level: 70000 is out of range: uint16 holds "
        "[0, 65535] in steps of 1\n");
}

TEST_CASE("write to a device answering an exception is exit 1 with the exception's name",
          "[cli][write]") {
  Pond pond;
  CliRun r = pond.write("broken.level", "120");
  CHECK(r.code == 1);
  CHECK(r.out == "");
  CHECK(r.err == "error: broken.level: write failed: server device failure (exception 4)\n");
  CHECK(pond.sim.command("stats 2") == "ok requests=1 replies=1 exceptions=1");
}
