// The daemon's side of systemd's Type=notify protocol, the way farmgate.service uses it:
// `farmgate run` is spawned with NOTIFY_SOCKET (and WATCHDOG_USEC) pointing at a test socket,
// as systemd would, and polls a farmsim device over Modbus TCP on loopback.
#include <catch2/catch.hpp>
#include <csignal>
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
  CHECK(has_line(notify.messages().back(), "STATUS=polling 1 devices"));

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
