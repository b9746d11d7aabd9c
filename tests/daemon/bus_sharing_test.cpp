// Spec §7 end to end, with the built daemon, farmsim and mosquitto: the world changes an
// actuator (a relay board resets) and remote commands flood a dead unit. What happened is
// seen where the field would see it: the coil in farmsim, events and results on MQTT, and
// the polls each unit received, counted by farmsim.
#include <catch2/catch.hpp>

#include <regex>
#include <thread>

#include "tests/daemon/payload_checks.h"
#include "tests/daemon/site.h"

using namespace farmgate::test;
using namespace std::chrono_literals;

namespace {

std::vector<json> drift_faults(const Probe& probe) {
  std::vector<json> out;
  for (const auto& e : events_of(probe, "fault"))
    if (e.value("source", "") == "actuator" && e.value("point", "") == "pond1_relay.aerator")
      out.push_back(e);
  return out;
}

long requests(Site& site, int unit) {
  std::smatch m;
  const std::string reply = site.control("stats " + std::to_string(unit));
  REQUIRE(std::regex_search(reply, m, std::regex("requests=([0-9]+)")));
  return std::stol(m[1]);
}

long healthy_requests(Site& site) { return requests(site, 1) + requests(site, 2); }

}  // namespace

TEST_CASE("a relay board that resets is switched back on and reported once as an actuator fault",
          "[daemon][reconcile]") {
  FarmState farm;
  farm.dissolved_oxygen = 3.0;  // the rule holds the aerator on
  farm.aerator = true;
  Site site(farm);
  GatewayOptions options;
  options.rules_yaml = kAeratorRule;
  site.write_config(options);
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  REQUIRE(wait_until([&] { return latest_status(probe).has_value(); }));
  REQUIRE(wait_until([&] {
    std::size_t n = 0;
    for (const auto& r : first_deliveries(probe)) n += r["point"] == "pond1_relay.aerator";
    return n >= 3;
  }));
  REQUIRE(site.coil(1, 0));
  REQUIRE(drift_faults(probe).empty());

  site.control("set 1 coil 0 false");  // brown-out: every coil off
  REQUIRE(wait_until([&] { return !drift_faults(probe).empty(); }));
  REQUIRE(wait_until([&] { return site.coil(1, 0); }));
  auto faults = drift_faults(probe);
  REQUIRE(faults.size() == 1);
  CHECK(faults[0]["message"] == "found off, wanted on");
  CHECK(faults[0]["device"] == "pond1_relay");
  CHECK(faults[0]["bus"] == "plc");
  // The write-back's `actuator` event is committed, then published: it may follow the coil.
  CHECK(wait_until([&] {
    for (const auto& e : events_of(probe, "actuator"))
      if (e["point"] == "pond1_relay.aerator" && e["value"] == true &&
          e["reason"] == "rule aerate-low-oxygen")
        return true;
    return false;
  }));

  // It stays on, and one streak is one fault.
  const auto seen = first_deliveries(probe).size();
  REQUIRE(wait_until([&] { return first_deliveries(probe).size() >= seen + 20; }));
  CHECK(site.coil(1, 0));
  CHECK(drift_faults(probe).size() == 1);
  // A second reset is a second streak.
  site.control("set 1 coil 0 false");
  REQUIRE(wait_until([&] { return drift_faults(probe).size() == 2; }));
  REQUIRE(wait_until([&] { return site.coil(1, 0); }));
  CHECK(terminate(*daemon) == 0);
}

TEST_CASE("nine `read`s a second of a dead unit over MQTT leave its bus neighbours' polls alone",
          "[daemon][flood]") {
  Site site;
  GatewayOptions options;
  options.rules_yaml = kAeratorRule;
  options.poll = "100ms";
  options.extra_devices =  // unit 7: farmsim's TCP server does not serve it (never answers)
      "  - name: dead\n    bus: plc\n    unit: 7\n    poll: 100ms\n    points:\n"
      "      - { name: v, table: holding, address: 0 }\n";
  site.write_config(options);
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  REQUIRE(wait_until([&] { return latest_status(probe).has_value(); }));
  std::this_thread::sleep_for(1s);  // the dead unit has failed and backs off

  const auto phase = std::chrono::seconds(5);
  long before = healthy_requests(site);
  std::this_thread::sleep_for(phase);
  const long quiet = healthy_requests(site) - before;

  const std::string cmd = std::string(kTopicBase) + "cmd";
  before = healthy_requests(site);
  int sent = 0;
  const auto end = std::chrono::steady_clock::now() + phase;
  for (auto next = std::chrono::steady_clock::now(); next < end; next += 111ms) {
    std::this_thread::sleep_until(next);
    probe.publish(cmd, R"({"id":"r-)" + std::to_string(sent++) +
                           R"(","op":"read","point":"dead.v"})");
  }
  const long flooded = healthy_requests(site) - before;
  REQUIRE(wait_until([&] { return command_results(probe).size() >= static_cast<size_t>(sent); }));

  INFO("healthy polls: quiet " << quiet << ", flooded " << flooded << "; reads sent " << sent);
  REQUIRE(quiet > 40);  // 2 devices at 100 ms for 5 s: 100 when the machine keeps up
  CHECK(flooded >= 0.8 * quiet);
  std::size_t answered = 0;
  for (const auto& r : command_results(probe)) {
    if (r.value("id", "").rfind("r-", 0) != 0) continue;
    ++answered;
    INFO(r.dump());
    CHECK(r["ok"] == false);
    CHECK(r.value("error", "").find("dead") != std::string::npos);
  }
  CHECK(answered == static_cast<std::size_t>(sent));
  // No point went stale: the aerator rule never fell to its failsafe.
  for (const auto& e : events_of(probe, "actuator")) CHECK(e["reason"] != "failsafe");
  CHECK(terminate(*daemon) == 0);
}
