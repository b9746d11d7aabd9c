// Spec §7 "one gateway per buffer and per serial port", with real processes: a running
// `farmgate run` (its RS-485 bus on a socat pty pair, farmsim at the other end), a second
// `run` and the one-shot tools started beside it.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <regex>

#include "tests/daemon/site.h"

using namespace farmgate::test;

namespace {

// A writable register on the RS-485 bus, so that `write` has something to try.
GatewayOptions options() {
  GatewayOptions o;
  o.uplink = false;
  o.extra_devices =
      "  - name: heater\n    bus: rs485\n    unit: 3\n    poll: 1s\n    points:\n"
      "      - { name: setpoint, table: holding, address: 0, writable: true }\n";
  return o;
}

struct Run {
  int code;
  std::string output;
};

Run run_farmgate(const std::vector<std::string>& args) {
  std::vector<std::string> argv{built_binary("farmgate")};
  argv.insert(argv.end(), args.begin(), args.end());
  Run r;
  r.code = run_command(argv, &r.output, std::chrono::seconds(20));
  return r;
}

// The daemon opens its serial port at its first poll: wait until /proc/locks shows `pid`'s
// flock on it (looking, not opening: a probe open could itself collide with the daemon's).
bool port_held(const Site& site, pid_t pid) {
  const std::string device = site.dir().file("rs485-a");
  return wait_until([&] {
    struct stat st {};
    if (stat(device.c_str(), &st) != 0) return false;
    std::ifstream locks("/proc/locks");
    std::string line;
    while (std::getline(locks, line)) {
      unsigned maj = 0, min = 0;
      unsigned long ino = 0;
      long holder = 0;
      char kind[16] = {};
      if (std::sscanf(line.c_str(), "%*d: %15s %*s %*s %ld %x:%x:%lu", kind, &holder, &maj, &min,
                      &ino) != 5)
        continue;
      if (std::string(kind) == "FLOCK" && holder == pid && ino == st.st_ino &&
          maj == major(st.st_dev) && min == minor(st.st_dev))
        return true;
    }
    return false;
  });
}

// The same config with another buffer, so only the serial port is shared.
std::string other_buffer_config(const Site& site) {
  std::string text = read_file(site.config_path());
  text = std::regex_replace(text, std::regex("buffer\\.db"), "other.db");
  return site.dir().write("other.yaml", text);
}

}  // namespace

TEST_CASE("a second run on the same buffer exits 1 at once naming the first one's pid",
          "[daemon][ownership]") {
  Site site;
  site.write_config(options());
  auto first = site.start_daemon();
  REQUIRE(wait_until([&] { return read_file(site.log_path()).find("running") != std::string::npos; }));
  const Run second = run_farmgate({"run", "-c", site.config_path()});
  INFO(second.output);
  CHECK(second.code == 1);
  CHECK(second.output.find("the buffer " + site.db_path() + " is in use by farmgate (pid " +
                           std::to_string(first->pid()) + ")") != std::string::npos);
  CHECK(first->running());
  CHECK(terminate(*first) == 0);
}

TEST_CASE("a second run on the same serial port exits 1 naming the holder", "[daemon][ownership]") {
  Site site;
  site.write_config(options());
  auto first = site.start_daemon();
  REQUIRE(port_held(site, first->pid()));
  const Run second = run_farmgate({"run", "-c", other_buffer_config(site)});
  INFO(second.output);
  CHECK(second.code == 1);
  CHECK(second.output.find("(bus rs485) is in use by farmgate (pid " +
                           std::to_string(first->pid()) + "): one gateway per serial port") !=
        std::string::npos);
  CHECK(first->running());
  CHECK(terminate(*first) == 0);
}

TEST_CASE("read, write and scan on a held serial port exit 1 with busy and point to the cmd topic",
          "[daemon][ownership][cli]") {
  Site site;
  site.write_config(options());
  auto daemon = site.start_daemon();
  REQUIRE(port_held(site, daemon->pid()));
  const std::string pid = "farmgate (pid " + std::to_string(daemon->pid()) + ")";
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"read", "-c", site.config_path(), "water.temp"},
           {"write", "-c", site.config_path(), "heater.setpoint", "5"},
           {"scan", "-c", site.config_path(), "--bus", "rs485", "--units", "1-3"}}) {
    const Run r = run_farmgate(args);
    INFO(args[0] << ": " << r.output);
    CHECK(r.code == 1);
    CHECK(r.output.find("error: busy: serial port ") != std::string::npos);
    CHECK(r.output.find(pid) != std::string::npos);
    CHECK(r.output.find("MQTT `cmd` topic") != std::string::npos);
    CHECK(r.output.find("on-site page") != std::string::npos);
  }
  // Modbus TCP has no such limit: a read beside the daemon works.
  const Run tcp = run_farmgate({"read", "-c", site.config_path(), "pond1_do.do"});
  INFO(tcp.output);
  CHECK(tcp.code == 0);
  CHECK(terminate(*daemon) == 0);
  // Once the daemon is gone, the port is the technician's.
  const Run free = run_farmgate({"read", "-c", site.config_path(), "water.temp"});
  INFO(free.output);
  CHECK(free.code == 0);
  CHECK(free.output.find("water.temp = 21.5") != std::string::npos);
}

TEST_CASE("a gateway killed with -9 leaves no lock behind", "[daemon][ownership]") {
  Site site;
  site.write_config(options());
  auto first = site.start_daemon();
  REQUIRE(port_held(site, first->pid()));
  first->signal(SIGKILL);
  REQUIRE(first->wait(std::chrono::seconds(5)) == 128 + SIGKILL);
  auto second = site.start_daemon();
  REQUIRE(port_held(site, second->pid()));
  CHECK(second->running());
  CHECK(terminate(*second) == 0);
}
