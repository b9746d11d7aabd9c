// The daemon's side of systemd's Type=notify protocol, the way farmgate.service uses it:
// `farmgate run` is spawned with NOTIFY_SOCKET (and WATCHDOG_USEC) pointing at a test socket,
// as systemd would, and polls a farmsim device over Modbus TCP on loopback.
#include <catch2/catch.hpp>
#include <csignal>
#include <regex>
#include <sys/stat.h>

#include "tests/deploy/notify_listener.h"
#include "tests/tools/farmsim_fixture.h"

using namespace farmgate::test;
using namespace std::chrono_literals;

namespace {

const char* kPlant = R"(
control: { port: auto }
servers:
  - tcp: { host: 127.0.0.1, port: 0 }
    units: [1]
units:
  1: { holding: { 0: 42 } }
)";

std::string gateway_config(const TempDir& dir, int port) {
  return dir.write("farmgate.yaml", "gateway: { id: deploy-test }\n"
                                    "storage: { path: " + dir.file("buffer.db") + " }\n"
                                    "buses:\n"
                                    "  - name: plc\n"
                                    "    tcp: { host: 127.0.0.1, port: " + std::to_string(port) + " }\n"
                                    "devices:\n"
                                    "  - name: tank\n"
                                    "    bus: plc\n"
                                    "    unit: 1\n"
                                    "    poll: 1s\n"
                                    "    points: [ { name: level, table: holding, address: 0, type: uint16 } ]\n");
}

// `farmgate run -c config` with systemd's environment variables set to `env` ("K=V" each).
Process run_under_notify(const TempDir& dir, const std::string& config,
                         const std::vector<std::string>& env) {
  std::vector<std::string> argv{"env"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back(built_binary("farmgate"));
  argv.push_back("run");
  argv.push_back("-c");
  argv.push_back(config);
  return Process(argv, dir.file("farmgate.log"));
}

bool exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

}  // namespace

TEST_CASE("run sends READY=1 once the buffer is open, WATCHDOG=1 from its loop and STOPPING=1 "
          "on SIGTERM, then exits 0",
          "[deploy][notify]") {
  TempDir dir("deploy");
  Farmsim sim(dir, kPlant);
  NotifyListener notify(dir.file("notify.sock"));
  // WatchdogSec=200ms: the daemon is to ping every 100 ms.
  Process daemon = run_under_notify(dir, gateway_config(dir, sim.tcp_port()),
                                    {"NOTIFY_SOCKET=" + notify.path(), "WATCHDOG_USEC=200000"});
  INFO(daemon.log_text());

  REQUIRE(notify.wait_for("READY=1", 10s));
  CHECK(exists(dir.file("buffer.db")));  // READY means the buffer is open
  // Nothing polled yet when READY=1 goes out; the health line says so.
  CHECK(has_line(notify.messages().back(), "STATUS=0 devices ok, 1 not polled yet; 0 unsent"));

  // Pings keep coming while the loop runs: count a few, one at a time.
  for (int i = 0; i < 3; ++i) REQUIRE(notify.wait_for("WATCHDOG=1", 5s));

  daemon.signal(SIGTERM);
  REQUIRE(notify.wait_for("STOPPING=1", 10s));
  CHECK(daemon.wait(10s) == 0);
  CHECK(notify.count("READY=1") == 1);
}

TEST_CASE("run sends no WATCHDOG=1 when the watchdog is meant for another process",
          "[deploy][notify]") {
  TempDir dir("deploy");
  Farmsim sim(dir, kPlant);
  NotifyListener notify(dir.file("notify.sock"));
  // WATCHDOG_PID names PID 1: sd_watchdog_enabled() says no to everyone else. A 20 ms watchdog
  // would ping every 10 ms; a SIGHUP reload round trip gives the loop time to show any.
  Process daemon =
      run_under_notify(dir, gateway_config(dir, sim.tcp_port()),
                       {"NOTIFY_SOCKET=" + notify.path(), "WATCHDOG_USEC=20000", "WATCHDOG_PID=1"});
  INFO(daemon.log_text());

  REQUIRE(notify.wait_for("READY=1", 10s));
  daemon.signal(SIGHUP);
  REQUIRE(notify.wait_for("RELOADING=1", 10s));
  REQUIRE(notify.wait_for("READY=1", 10s));  // reloaded
  daemon.signal(SIGTERM);
  REQUIRE(notify.wait_for("STOPPING=1", 10s));
  CHECK(daemon.wait(10s) == 0);
  CHECK(notify.count("WATCHDOG=1") == 0);
}

TEST_CASE("run with an invalid config exits 2 without READY=1, so RestartPreventExitStatus=2 "
          "stops a restart loop",
          "[deploy][notify]") {
  TempDir dir("deploy");
  NotifyListener notify(dir.file("notify.sock"));
  std::string config = dir.write("farmgate.yaml", "gateway: { id: Not Valid }\nbuses: 3\n");
  Process daemon = run_under_notify(dir, config, {"NOTIFY_SOCKET=" + notify.path()});
  CHECK(daemon.wait(10s) == 2);
  INFO(daemon.log_text());
  CHECK_FALSE(notify.wait_for("READY=1", 100ms));
  CHECK(daemon.log_text().find("farmgate.yaml:1:") != std::string::npos);
}

TEST_CASE("STATUS= tells devices ok from failing and the unsent count after start, after each "
          "reload and after a rejected one",
          "[deploy][notify][status]") {
  TempDir dir("deploy");
  Farmsim sim(dir, kPlant);  // serves unit 1 only: unit 9 never answers
  NotifyListener notify(dir.file("notify.sock"));
  const std::string port = std::to_string(sim.tcp_port());
  auto config_text = [&](const std::string& gateway_id) {
    return "gateway: { id: " + gateway_id + " }\n"
           "storage: { path: " + dir.file("buffer.db") + ", commit_interval: 100ms }\n"
           "buses:\n"
           "  - { name: plc, tcp: { host: 127.0.0.1, port: " + port + " }, timeout: 200ms }\n"
           "devices:\n"
           "  - name: tank\n"
           "    bus: plc\n"
           "    unit: 1\n"
           "    poll: 1s\n"
           "    points: [ { name: level, table: holding, address: 0, type: uint16 } ]\n"
           "  - name: ghost\n"
           "    bus: plc\n"
           "    unit: 9\n"
           "    poll: 1s\n"
           "    points: [ { name: level, table: holding, address: 0, type: uint16 } ]\n";
  };
  const std::string config = dir.write("farmgate.yaml", config_text("status-test"));
  Process daemon = run_under_notify(dir, config, {"NOTIFY_SOCKET=" + notify.path()});
  INFO(daemon.log_text());
  REQUIRE(notify.wait_for("READY=1", 10s));

  // Both devices polled: one ok, the silent one failing with its error named.
  auto starts_with = [](const std::string& prefix) {
    return [prefix](const std::string& l) { return l.rfind(prefix, 0) == 0; };
  };
  std::string status;
  REQUIRE(notify.wait_for_line(starts_with("STATUS=1 device ok, 1 failing (ghost: "), 15s, &status));
  CHECK(std::regex_search(status, std::regex(R"(\); [0-9]+ unsent$)")));

  // Readings pile up (no uplink): the periodic update shows a growing count, not a frozen one.
  std::smatch m;
  REQUIRE(std::regex_search(status, m, std::regex(R"(; ([0-9]+) unsent$)")));
  const long first_unsent = std::stol(m[1]);
  std::string later;
  REQUIRE(notify.wait_for_line(
      [&](const std::string& l) {
        std::smatch n;
        return std::regex_search(l, n, std::regex(R"(^STATUS=1 device ok, 1 failing .*; ([0-9]+) unsent$)")) &&
               std::stol(n[1]) > first_unsent;
      },
      25s, &later));

  // An accepted reload says so and keeps the health figures.
  daemon.signal(SIGHUP);
  REQUIRE(notify.wait_for_line(starts_with("STATUS=reloaded; 1 device ok, 1 failing (ghost: "), 10s));

  // A rejected reload stays visible (the running config is not the file) with the first
  // error, its newline-bearing YAML quoted safely, until a reload is accepted.
  dir.write("farmgate.yaml", config_text("\"Bad\\nREADY=1\""));
  daemon.signal(SIGHUP);
  REQUIRE(notify.wait_for_line(starts_with("STATUS=last reload rejected (1 error(s), first: "), 10s,
                               &status));
  CHECK(status.find("farmgate.yaml:1:") != std::string::npos);
  CHECK(status.find("running config kept; 1 device ok, 1 failing (ghost: ") != std::string::npos);
  CHECK(notify.count("READY=1") == 3);  // start, reload, rejected reload: no forged one

  dir.write("farmgate.yaml", config_text("status-test"));
  daemon.signal(SIGHUP);
  REQUIRE(notify.wait_for_line(starts_with("STATUS=reloaded; 1 device ok"), 10s));

  daemon.signal(SIGTERM);
  REQUIRE(notify.wait_for("STOPPING=1", 10s));
  CHECK(daemon.wait(10s) == 0);
}
