// The demo's physics (tools/farmsim/models/), run from the demo's own farmsim description at
// a high speed and observed through farmsim's control channel. Every comparison is between
// register values one simulated hour apart, measured on farmsim's published clock (unit 99),
// never on the wall clock.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/tools/farmsim_fixture.h"

namespace farmgate::test {
namespace {

constexpr int kSpeed = 1800;  // one simulated hour in two real seconds

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// The demo's description with its placeholders filled in.
std::string demo_description(const TempDir& dir) {
  std::ifstream in(std::string(FARMGATE_SOURCE_DIR) + "/tools/demo.d/farmsim.yaml.in");
  std::stringstream text;
  text << in.rdbuf();
  return replace_all(replace_all(text.str(), "@DIR@", dir.path()), "@SPEED@",
                     std::to_string(kSpeed));
}

std::vector<long> words(const std::string& reply) {
  INFO(reply);
  REQUIRE(reply.rfind("ok", 0) == 0);
  std::istringstream in(reply.substr(2));
  std::vector<long> v;
  for (long x; in >> x;) v.push_back(x);
  return v;
}

struct DemoFarm {
  TempDir dir{"farmgate-demo-models"};
  PtyPair pond{dir.path(), "pond"};  // the RTU line the description names (@DIR@/pond-b)
  Farmsim sim{dir, demo_description(dir)};

  // Simulated seconds since the start (uint32 in holding 0-1 of the clock unit).
  long sim_seconds() {
    auto v = words(sim.command("get 99 holding 0 2"));
    return (v.at(0) << 16) | v.at(1);
  }
  long minute_of_day() { return words(sim.command("get 99 holding 2")).at(0); }
  double register_value(int unit, int address, double scale) {
    return double(words(sim.command("get " + std::to_string(unit) + " holding " +
                                    std::to_string(address))).at(0)) * scale;
  }
  double dissolved_oxygen() { return register_value(2, 1, 0.01); }  // SUP-DO7013 holding 1
  double zone1_vwc() { return register_value(12, 1, 0.01); }        // SenseCAP holding 1
  void coil(int unit, int address, bool on) {
    REQUIRE(sim.command("set " + std::to_string(unit) + " coil " + std::to_string(address) +
                        (on ? " on" : " off")) == "ok");
  }
  // Waits until `hours` of simulated time have passed.
  void pass_simulated(double hours) {
    long until = sim_seconds() + long(hours * 3600);
    REQUIRE(wait_until([&] { return sim_seconds() >= until; }, std::chrono::seconds(20)));
  }
  // Night: after sunset (18:00), before sunrise (06:00).
  bool night() {
    long m = minute_of_day();
    return m >= 18 * 60 || m < 6 * 60;
  }
};

TEST_CASE("demo pond: dissolved oxygen falls at night with the aerator off, rises with it on") {
  DemoFarm farm;
  farm.coil(1, 0, false);
  double before = farm.dissolved_oxygen();
  farm.pass_simulated(1);
  double unaerated = farm.dissolved_oxygen();
  REQUIRE(farm.night());
  INFO("DO " << before << " -> " << unaerated << " mg/L in one night hour, aerator off");
  CHECK(unaerated < before - 0.3);

  farm.coil(1, 0, true);  // the aerator relay, as farmgate would switch it
  farm.pass_simulated(1);
  double aerated = farm.dissolved_oxygen();
  REQUIRE(farm.night());
  INFO("DO " << unaerated << " -> " << aerated << " mg/L in one night hour, aerator on");
  CHECK(aerated > unaerated + 0.3);
}

TEST_CASE("demo greenhouse: soil moisture rises while the drip valve is open, not while shut") {
  DemoFarm farm;
  farm.coil(11, 0, false);
  double before = farm.zone1_vwc();
  farm.pass_simulated(1);
  double shut = farm.zone1_vwc();
  INFO("VWC " << before << " -> " << shut << " % in one hour, valve shut");
  CHECK(shut < before);

  farm.coil(11, 0, true);  // drip zone 1's valve relay
  farm.pass_simulated(1);
  double watered = farm.zone1_vwc();
  INFO("VWC " << shut << " -> " << watered << " % in one hour, valve open");
  CHECK(watered > shut + 5);
}

TEST_CASE("demo farm: the simulated clock starts at 18:00 and moves forward on unit 99") {
  DemoFarm farm;
  long start_minute = farm.minute_of_day();
  CHECK(start_minute >= 18 * 60);
  CHECK(start_minute < 20 * 60);  // a few real seconds at most have passed
  farm.pass_simulated(2);
  CHECK(farm.minute_of_day() >= (start_minute + 120) % 1440);
}

TEST_CASE("demo models: a mistake in a model's settings is a positioned error, farmsim exits 2") {
  TempDir dir("farmgate-demo-models");
  std::string file = dir.write("farmsim.yaml",
                               "servers:\n"
                               "  - tcp: { host: 127.0.0.1, port: 0 }\n"
                               "    units: [1, 2]\n"
                               "clock: { speed: fast }\n"
                               "models:\n"
                               "  - kind: pond\n"
                               "    probe: 2\n"
                               "    aerator: { unit: 1, coil: 0 }\n"
                               "    respiraton: 1.0\n"
                               "  - kind: orchard\n");
  std::string out;
  CHECK(run_command({built_binary("farmsim"), file}, &out) == 2);
  INFO(out);
  CHECK(out.find(file + ":4:17: error: 'speed' in 'clock' must be a number") != std::string::npos);
  CHECK(out.find(file + ":9:5: error: unknown key 'respiraton' in a pond model") !=
        std::string::npos);
  CHECK(out.find(file + ":10:11: error: unknown model kind 'orchard'") != std::string::npos);
  INFO(out);
}

}  // namespace
}  // namespace farmgate::test
