// `farmgate read -c FILE POINT...` (spec §2): decoded values with their units, from farmsim
// over TCP and RTU, and from pymodbus; checked against mbpoll, an independent client.
#include <catch2/catch.hpp>

#include "tests/cli/cli_fixture.h"
#include "tests/drivers/modbus_peer.h"
#include "tests/tools/farmsim_fixture.h"

using namespace farmgate::test;

namespace {

const char* kTcpServer = "tcp: { host: 127.0.0.1, port: 0 }";

std::string tcp_bus_yaml(int port, const std::string& timing = "timeout: 500ms") {
  return "tcp: { host: 127.0.0.1, port: " + std::to_string(port) + " }, " + timing;
}

// mbpoll's value of one reference ("[3]: \t5.62" -> "5.62"); "" when it printed none.
std::string mbpoll_value(const std::string& out, int ref) {
  const std::string tag = "[" + std::to_string(ref) + "]: \t";
  const auto at = out.find(tag);
  if (at == std::string::npos) return "";
  const auto start = at + tag.size();
  return out.substr(start, out.find_first_of(" \n", start) - start);
}

}  // namespace

TEST_CASE("read decodes int16 x scale, float32 CDAB and coils from farmsim over TCP",
          "[cli][read][tcp]") {
  TempDir dir("cli");
  Farmsim sim(dir, pond_sim(kTcpServer));
  const auto cfg = dir.write("farmgate.yaml", pond_config(tcp_bus_yaml(sim.tcp_port())));
  CliRun r = run_farmgate(dir, {"read", "-c", cfg, "pond1.temp", "pond1.do", "pond1.aerator",
                            "pond1.feeder", "pond1.setpoint"});
  CHECK(r.err == "");
  CHECK(r.out ==
        "pond1.temp = 23.5 °C\n"
        "pond1.do = 5.62 mg/L\n"
        "pond1.aerator = on\n"
        "pond1.feeder = off\n"
        "pond1.setpoint = 4.5 mg/L\n");
  CHECK(r.code == 0);
  // Coalesced: holding 0, 2-3 (max_gap 0 keeps the hole at 1 unread), 10-11 and coils 0-1
  // in one go: four transactions for five points.
  CHECK(sim.command("stats 1") == "ok requests=4 replies=4 exceptions=0");
}

TEST_CASE("read decodes the same points from farmsim over RTU", "[cli][read][rtu]") {
  TempDir dir("cli");
  PtyPair line(dir.path());
  Farmsim sim(dir, pond_sim("rtu: { device: " + line.b() + ", baud: 9600, parity: none }"));
  const auto cfg = dir.write(
      "farmgate.yaml",
      pond_config("rtu: { device: " + line.a() + ", baud: 9600 }, timeout: 500ms"));
  CliRun r = run_farmgate(dir, {"read", "-c", cfg, "pond1.do", "pond1.temp", "pond1.aerator"});
  CHECK(r.err == "");
  CHECK(r.out ==
        "pond1.do = 5.62 mg/L\n"
        "pond1.temp = 23.5 °C\n"
        "pond1.aerator = on\n");
  CHECK(r.code == 0);
}

TEST_CASE("read of an unknown point is exit 2 with a suggestion and no bus traffic",
          "[cli][read]") {
  TempDir dir("cli");
  Farmsim sim(dir, pond_sim(kTcpServer));
  const auto cfg = dir.write("farmgate.yaml", pond_config(tcp_bus_yaml(sim.tcp_port())));
  CliRun r = run_farmgate(dir, {"read", "-c", cfg, "pond1.temp", "pond1.tmp", "pnd1.do"});
  CHECK(r.code == 2);
  CHECK(r.out == "");
  CHECK(r.err == "error: no point 'pond1.tmp' in " + cfg + " (did you mean 'pond1.temp'?)\n" +
                     "error: no point 'pnd1.do' in " + cfg + " (did you mean 'pond1.do'?)\n");
  CHECK(sim.command("stats 1") == "ok requests=0 replies=0 exceptions=0");
}

TEST_CASE("read of a device name lists that device's points, exit 2 and no bus traffic",
          "[cli][read]") {
  TempDir dir("cli");
  Farmsim sim(dir, pond_sim(kTcpServer));
  const auto cfg = dir.write("farmgate.yaml", pond_config(tcp_bus_yaml(sim.tcp_port())));
  CliRun r = run_farmgate(dir, {"read", "-c", cfg, "pond1"});
  CHECK(r.code == 2);
  CHECK(r.out == "");
  CHECK(r.err == "error: 'pond1' is a device; a point is DEVICE.POINT: pond1.temp, pond1.do, "
                 "pond1.setpoint, pond1.aerator, pond1.feeder\n");
  CHECK(sim.command("stats 1") == "ok requests=0 replies=0 exceptions=0");
}

TEST_CASE("read of a silent device prints an error for its point, exit 1, after retries+1 tries",
          "[cli][read][tcp]") {
  TempDir dir("cli");
  Farmsim sim(dir, pond_sim(kTcpServer));
  const auto cfg = dir.write("farmgate.yaml",
                             pond_config(tcp_bus_yaml(sim.tcp_port(), "timeout: 200ms, retries: 2")));
  CliRun r = run_farmgate(dir, {"read", "-c", cfg, "dead.ph", "pond1.temp"});
  CHECK(r.out ==
        "dead.ph = error: timeout: no reply from unit 3\n"
        "pond1.temp = 23.5 °C\n");
  CHECK(r.err == "");
  CHECK(r.code == 1);
  // Bounded by timeout x (retries + 1): exactly three attempts reached the device.
  CHECK(sim.command("stats 3") == "ok requests=3 replies=0 exceptions=0");
}

TEST_CASE("read of a device answering an exception names it, exit 1, without retrying",
          "[cli][read][tcp]") {
  TempDir dir("cli");
  Farmsim sim(dir, pond_sim(kTcpServer));
  const auto cfg = dir.write("farmgate.yaml",
                             pond_config(tcp_bus_yaml(sim.tcp_port(), "timeout: 200ms, retries: 2")));
  CliRun r = run_farmgate(dir, {"read", "-c", cfg, "broken.level"});
  CHECK(r.out == "broken.level = error: server device failure (exception 4)\n");
  CHECK(r.err == "");
  CHECK(r.code == 1);
  CHECK(sim.command("stats 2") == "ok requests=1 replies=1 exceptions=1");
}

TEST_CASE("mbpoll and farmgate read agree on farmsim's registers", "[cli][read][mbpoll]") {
  TempDir dir("cli");
  Farmsim sim(dir, pond_sim(kTcpServer));
  const std::string port = std::to_string(sim.tcp_port());
  const auto cfg = dir.write("farmgate.yaml", pond_config(tcp_bus_yaml(sim.tcp_port())));
  CliRun r = run_farmgate(dir, {"read", "-c", cfg, "pond1.do", "pond1.setpoint", "pond1.temp"});
  REQUIRE(r.code == 0);
  std::string out;
  // mbpoll's default word order for floats is CDAB (-B: ABCD); -0: 0-based references.
  REQUIRE(run_command({"mbpoll", "-m", "tcp", "-p", port, "-a", "1", "-0", "-t", "4:float", "-r",
                       "2", "-1", "127.0.0.1"},
                      &out) == 0);
  CHECK(r.out.find("pond1.do = " + mbpoll_value(out, 2) + " mg/L\n") != std::string::npos);
  REQUIRE(run_command({"mbpoll", "-m", "tcp", "-p", port, "-a", "1", "-0", "-B", "-t", "4:float",
                       "-r", "10", "-1", "127.0.0.1"},
                      &out) == 0);
  CHECK(r.out.find("pond1.setpoint = " + mbpoll_value(out, 10) + " mg/L\n") != std::string::npos);
  REQUIRE(run_command({"mbpoll", "-m", "tcp", "-p", port, "-a", "1", "-0", "-t", "4", "-r", "0",
                       "-1", "127.0.0.1"},
                      &out) == 0);
  CHECK(mbpoll_value(out, 0) == "235");  // x 0.1 = 23.5
  CHECK(r.out.find("pond1.temp = 23.5 °C\n") != std::string::npos);
}

TEST_CASE("mbpoll and farmgate read agree on pymodbus's registers", "[cli][read][mbpoll]") {
  TempDir dir("cli");
  auto peer = ModbusPeer::tcp(dir.path(), "7");
  const std::string port = std::to_string(peer.port());
  const auto cfg = dir.write("farmgate.yaml", R"(gateway: { id: gw }
buses: [{ name: plc, tcp: { host: 127.0.0.1, port: )" + port + R"( } }]
devices:
  - name: plc7
    bus: plc
    unit: 7
    points:
      - { name: id, table: holding, address: 0 }
      - { name: temp, table: holding, address: 1, type: int16, scale: 0.1, unit: °C }
      - { name: flow, table: holding, address: 4, type: float32, order: CDAB, unit: m3/h }
      - { name: total, table: holding, address: 6, type: int32 }
      - { name: in3, table: input, address: 3 }
      - { name: pump, table: coil, address: 2 }
      - { name: door, table: discrete, address: 1 }
)");
  CliRun r = run_farmgate(dir, {"read", "-c", cfg, "plc7.id", "plc7.temp", "plc7.flow", "plc7.total",
                            "plc7.in3", "plc7.pump", "plc7.door"});
  CHECK(r.err == "");
  CHECK(r.out ==
        "plc7.id = 7\n"
        "plc7.temp = -20.5 °C\n"
        "plc7.flow = 123.456 m3/h\n"
        "plc7.total = -123456\n"
        "plc7.in3 = 1003\n"
        "plc7.pump = on\n"
        "plc7.door = on\n");
  CHECK(r.code == 0);
  std::string out;
  auto mb = [&](std::vector<std::string> args) {
    std::vector<std::string> argv{"mbpoll", "-m", "tcp", "-p", port, "-a", "7", "-0", "-1"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("127.0.0.1");
    REQUIRE(run_command(argv, &out) == 0);
  };
  mb({"-t", "4", "-r", "0", "-c", "2"});
  CHECK(mbpoll_value(out, 0) == "7");
  CHECK(mbpoll_value(out, 1) == "65331");  // mbpoll shows 0xFF33 unsigned; int16: -205
  mb({"-t", "4:float", "-r", "4"});
  CHECK(mbpoll_value(out, 4) == "123.456");
  mb({"-t", "4:int", "-B", "-r", "6"});
  CHECK(mbpoll_value(out, 6) == "-123456");
  mb({"-t", "3", "-r", "3"});
  CHECK(mbpoll_value(out, 3) == "1003");
  mb({"-t", "0", "-r", "2"});
  CHECK(mbpoll_value(out, 2) == "1");
  mb({"-t", "1", "-r", "1"});
  CHECK(mbpoll_value(out, 1) == "1");
}
