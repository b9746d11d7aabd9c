// `farmgate scan -c FILE --bus NAME [--units 1-247]` (spec §2): which unit ids answer, on an
// RTU line (socat pty) and over TCP; farmsim's counters show which ids were probed.
#include <catch2/catch.hpp>

#include <memory>

#include "tests/cli/cli_fixture.h"
#include "tests/support/process.h"
#include "tests/tools/farmsim_fixture.h"

using namespace farmgate::test;

namespace {

// farmsim serving units 2, 3, 6, 9 on one server; the config's bus "line" points at it.
std::string sim_yaml(const std::string& server) {
  return "control: { port: auto }\nservers:\n  - " + server +
         "\n    units: [2, 3, 6, 9]\nunits:\n  6: { fault: exception 2 }\n";
}

std::string config_yaml(const std::string& bus) {
  return "gateway: { id: gw }\nbuses:\n  - { name: line, " + bus +
         ", timeout: 100ms }\n  - { name: plc, tcp: { host: 127.0.0.1, port: 1 } }\n";
}

int requests(const Farmsim& sim, int unit) {
  const std::string reply = sim.command("stats " + std::to_string(unit));
  const auto at = reply.find("requests=");
  return at == std::string::npos ? -1 : std::stoi(reply.substr(at + 9));
}

// tests/drivers/misbehaving_server.py on a free port; `modes` as "UNIT=MODE ...".
struct MisbehavingServer {
  MisbehavingServer(const TempDir& dir, const std::vector<std::string>& modes)
      : port(free_tcp_port()) {
    std::vector<std::string> argv{system_python(),
                                  std::string(FARMGATE_SOURCE_DIR) +
                                      "/tests/drivers/misbehaving_server.py",
                                  std::to_string(port)};
    argv.insert(argv.end(), modes.begin(), modes.end());
    proc = std::make_unique<Process>(argv, dir.file("misbehaving.log"));
    if (!wait_for_tcp_port(port)) FAIL("server did not listen: " << proc->log_text());
  }
  int port;
  std::unique_ptr<Process> proc;
};

}  // namespace

TEST_CASE("scan names a reply from another unit and a truncated reply instead of calling them "
          "silence",
          "[cli][scan][tcp]") {
  TempDir dir("cli");
  MisbehavingServer server(dir, {"4=wrong_unit", "5=truncated", "6=silent"});
  const auto cfg = dir.write(
      "farmgate.yaml", config_yaml("tcp: { host: 127.0.0.1, port: " +
                                   std::to_string(server.port) + " }"));
  CliRun r = run_farmgate(dir, {"scan", "-c", cfg, "--bus", "line", "--units", "3-7"});
  CHECK(r.out ==
        "unit 3: replied\n"
        "unit 4: reply from unit 1 to a request for unit 4\n"
        "unit 5: truncated reply (9 bytes)\n"
        "unit 7: replied\n"
        "2 units answered on line: 3, 7\n"
        "2 unit ids got an unusable reply: 4, 5\n");
  // No terminal: no progress line, stderr as before.
  CHECK(r.err == "scanning line for 5 unit ids (up to 100ms each)\n");
  CHECK(r.code == 0);
}

TEST_CASE("scan shows its progress on stderr when stderr is a terminal", "[cli][scan][tcp]") {
  TempDir dir("cli");
  MisbehavingServer server(dir, {"2=silent"});
  const auto cfg = dir.write(
      "farmgate.yaml", config_yaml("tcp: { host: 127.0.0.1, port: " +
                                   std::to_string(server.port) + " }"));
  // script(1) gives farmgate a pseudo-terminal for stdout and stderr and copies what it shows.
  const std::string command = "'" + built_binary("farmgate") + "' scan -c '" + cfg +
                              "' --bus line --units 1-3";
  std::string shown;
  REQUIRE(run_command({"/usr/bin/script", "-qec", command, "/dev/null"}, &shown) == 0);
  INFO(shown);
  CHECK(shown.find("scanning unit 1 (1/3)") != std::string::npos);
  CHECK(shown.find("scanning unit 2 (2/3)") != std::string::npos);
  CHECK(shown.find("scanning unit 3 (3/3)") != std::string::npos);
  // Erased before each result line, and at the end: the summary stands on a clean line.
  CHECK(shown.find("\r\033[Kunit 1: replied") != std::string::npos);
  CHECK(shown.find("\n2 units answered on line: 1, 3") != std::string::npos);
  CHECK(shown.find("(3/3)", shown.find("unit 3: replied")) == std::string::npos);
}

TEST_CASE("scan finds exactly the units farmsim serves on an RTU line", "[cli][scan][rtu]") {
  TempDir dir("cli");
  PtyPair pty(dir.path());
  Farmsim sim(dir, sim_yaml("rtu: { device: " + pty.b() + ", baud: 9600 }"));
  const auto cfg = dir.write("farmgate.yaml",
                             config_yaml("rtu: { device: " + pty.a() + ", baud: 9600 }"));
  CliRun r = run_farmgate(dir, {"scan", "-c", cfg, "--bus", "line", "--units", "1-10"});
  CHECK(r.out ==
        "unit 2: replied\n"
        "unit 3: replied\n"
        "unit 6: illegal data address (exception 2)\n"
        "unit 9: replied\n"
        "4 units answered on line: 2, 3, 6, 9\n");
  CHECK(r.err == "scanning line for 10 unit ids (up to 100ms each)\n");
  CHECK(r.code == 0);
  for (int unit : {2, 3, 6, 9}) CHECK(requests(sim, unit) == 1);  // one probe, no retry
}

TEST_CASE("scan finds exactly the units farmsim serves over TCP", "[cli][scan][tcp]") {
  TempDir dir("cli");
  Farmsim sim(dir, sim_yaml("tcp: { host: 127.0.0.1, port: 0 }"));
  const auto cfg = dir.write(
      "farmgate.yaml",
      config_yaml("tcp: { host: 127.0.0.1, port: " + std::to_string(sim.tcp_port()) + " }"));
  CliRun r = run_farmgate(dir, {"scan", "-c", cfg, "--bus", "line", "--units", "1-10"});
  CHECK(r.out ==
        "unit 2: replied\n"
        "unit 3: replied\n"
        "unit 6: illegal data address (exception 2)\n"
        "unit 9: replied\n"
        "4 units answered on line: 2, 3, 6, 9\n");
  CHECK(r.code == 0);
}

TEST_CASE("scan probes only the --units listed", "[cli][scan][tcp]") {
  TempDir dir("cli");
  Farmsim sim(dir, sim_yaml("tcp: { host: 127.0.0.1, port: 0 }"));
  const auto cfg = dir.write(
      "farmgate.yaml",
      config_yaml("tcp: { host: 127.0.0.1, port: " + std::to_string(sim.tcp_port()) + " }"));
  CliRun r = run_farmgate(dir, {"scan", "-c", cfg, "--bus", "line", "--units", "1,2,5-7"});
  CHECK(r.out ==
        "unit 2: replied\n"
        "unit 6: illegal data address (exception 2)\n"
        "2 units answered on line: 2, 6\n");
  CHECK(r.err == "scanning line for 5 unit ids (up to 100ms each)\n");
  CHECK(r.code == 0);
  CHECK(requests(sim, 2) == 1);
  CHECK(requests(sim, 6) == 1);
  CHECK(requests(sim, 3) == 0);
  CHECK(requests(sim, 9) == 0);
  // Overlaps and repeats probe each id once; order does not matter.
  r = run_farmgate(dir, {"scan", "-c", cfg, "--bus", "line", "--units", "9,2-3,3,2"});
  CHECK(r.out == "unit 2: replied\nunit 3: replied\nunit 9: replied\n"
                 "3 units answered on line: 2, 3, 9\n");
  CHECK(requests(sim, 2) == 2);
  CHECK(requests(sim, 9) == 1);
}

TEST_CASE("scan reports when nothing answers", "[cli][scan][tcp]") {
  TempDir dir("cli");
  Farmsim sim(dir, sim_yaml("tcp: { host: 127.0.0.1, port: 0 }"));
  const auto cfg = dir.write(
      "farmgate.yaml",
      config_yaml("tcp: { host: 127.0.0.1, port: " + std::to_string(sim.tcp_port()) + " }"));
  CliRun r = run_farmgate(dir, {"scan", "-c", cfg, "--bus", "line", "--units", "4-5"});
  CHECK(r.out == "no unit answered on line\n");
  CHECK(r.code == 0);
}

TEST_CASE("scan refuses malformed --units with exit 2", "[cli][scan]") {
  TempDir dir("cli");
  const auto cfg = dir.write("farmgate.yaml", config_yaml("tcp: { host: 127.0.0.1, port: 1 }"));
  for (const std::string units :
       {"", "0", "0-3", "256", "7-5", "a", "1,,2", "1-", "-3", "1-2-3", "1 ,2", ",", "3,"}) {
    INFO("--units '" << units << "'");
    CliRun r = run_farmgate(dir, {"scan", "-c", cfg, "--bus", "line", "--units", units});
    CHECK(r.code == 2);
    CHECK(r.out == "");
    CHECK(r.err == "error: --units '" + units +
                       "': expected unit ids 1-255 as ranges and lists, e.g. 1-247 or 1,2,10-20\n");
  }
}

TEST_CASE("scan of an unknown bus is exit 2 naming the buses there are", "[cli][scan]") {
  TempDir dir("cli");
  const auto cfg = dir.write("farmgate.yaml", config_yaml("tcp: { host: 127.0.0.1, port: 1 }"));
  CliRun r = run_farmgate(dir, {"scan", "-c", cfg, "--bus", "lin"});
  CHECK(r.code == 2);
  CHECK(r.out == "");
  CHECK(r.err == "error: no bus named 'lin' in " + cfg + " (did you mean 'line'?); buses: line, plc\n");
  r = run_farmgate(dir, {"scan", "-c", cfg, "--bus", "rs485-9"});
  CHECK(r.code == 2);
  CHECK(r.err == "error: no bus named 'rs485-9' in " + cfg + "; buses: line, plc\n");
}

TEST_CASE("scan of a bus that cannot be opened is exit 1", "[cli][scan]") {
  TempDir dir("cli");
  const auto cfg = dir.write("farmgate.yaml",
                             config_yaml("rtu: { device: " + dir.file("no-such-tty") + " }"));
  CliRun r = run_farmgate(dir, {"scan", "-c", cfg, "--bus", "line", "--units", "1-3"});
  CHECK(r.code == 1);
  CHECK(r.out == "");
  CHECK(r.err.find("error: ") != std::string::npos);
  CHECK(r.err.find("no-such-tty") != std::string::npos);
}
