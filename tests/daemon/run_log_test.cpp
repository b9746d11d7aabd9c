// What a foreground `farmgate run` tells the person watching it (issue 16): with -v every
// reading and every rule decision, without -v neither; one line per fault; reloads at info.
#include <catch2/catch.hpp>
#include <csignal>
#include <sstream>

#include "tests/daemon/site.h"

using namespace farmgate::test;

namespace {

const char* kAeratorRule = R"(rules:
  - name: aerate-low-oxygen
    when: pond1_do.do < 4.0
    until: pond1_do.do > 6.0
    set: { pond1_relay.aerator: on }
)";

bool logged(const Site& site, const std::string& text) {
  return read_file(site.log_path()).find(text) != std::string::npos;
}

// The log's lines that contain `text`.
std::vector<std::string> lines_with(const Site& site, const std::string& text) {
  std::istringstream log(read_file(site.log_path()));
  std::vector<std::string> out;
  for (std::string line; std::getline(log, line);)
    if (line.find(text) != std::string::npos) out.push_back(line);
  return out;
}

GatewayOptions low_oxygen_site() {
  GatewayOptions o;
  o.rules_yaml = kAeratorRule;
  return o;
}

}  // namespace

TEST_CASE("run -v, given after the subcommand, logs readings and rule decisions",
          "[daemon][run][log]") {
  FarmState farm;
  farm.dissolved_oxygen = 3.0;
  Site site(farm);
  site.write_config(low_oxygen_site());
  auto daemon = site.start_daemon({"-v"});
  REQUIRE(wait_until(
      [&] {
        return logged(site, "debug: pond1_do.do = 3 mg/L good\n") &&
               logged(site,
                      "debug: decision: pond1_relay.aerator -> on (rule aerate-low-oxygen)\n");
      },
      std::chrono::seconds(10)));
  CHECK(logged(site, "debug: water.temp = 21.5 degC good\n"));
}

TEST_CASE("run without -v logs neither readings nor decisions", "[daemon][run][log]") {
  FarmState farm;
  farm.dissolved_oxygen = 3.0;
  Site site(farm);
  site.write_config(low_oxygen_site());
  auto daemon = site.start_daemon();
  // The actuator event comes after the decision and the readings that led to it.
  REQUIRE(wait_until([&] { return logged(site, "actuator pond1_relay.aerator -> on"); },
                     std::chrono::seconds(10)));
  INFO(read_file(site.log_path()));
  CHECK(lines_with(site, "debug:").empty());
  CHECK(lines_with(site, " = ").empty());
}

TEST_CASE("a device that goes silent is one log line", "[daemon][run][log]") {
  Site site;
  site.write_config({});
  auto daemon = site.start_daemon();
  REQUIRE(wait_until([&] { return logged(site, "info: farmgate "); }, std::chrono::seconds(10)));
  site.control("fault 3 silent");
  REQUIRE(wait_until([&] { return logged(site, "fault device water"); }, std::chrono::seconds(10)));
  INFO(read_file(site.log_path()));
  CHECK(lines_with(site, "water").size() == 1);
}

TEST_CASE("a reload is logged at info", "[daemon][run][log]") {
  Site site;
  site.write_config({});
  auto daemon = site.start_daemon();
  REQUIRE(wait_until([&] { return logged(site, "info: farmgate "); }, std::chrono::seconds(10)));
  daemon->signal(SIGHUP);
  REQUIRE(wait_until([&] { return logged(site, "config reloaded"); }, std::chrono::seconds(10)));
  INFO(read_file(site.log_path()));
  CHECK(lines_with(site, "config reloaded").front().rfind("info: config reloaded: ", 0) == 0);
}
