// SIGHUP (spec §2): a broken new config is reported and the running one stays; a good one
// replaces it, keeping the control state (holds, raised alarms, actuator timers) and the MQTT
// connection when its settings did not change.
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <thread>

#include "tests/daemon/payload_checks.h"
#include "tests/daemon/site.h"

using namespace farmgate::test;

namespace {

std::size_t readings_after(const Probe& probe, std::int64_t seq, const std::string& point) {
  std::size_t n = 0;
  for (const auto& r : first_deliveries(probe))
    n += r["seq"].get<std::int64_t>() > seq && r["point"] == point;
  return n;
}

std::optional<json> config_event(const Probe& probe, const std::string& state) {
  for (const auto& e : events_of(probe, "config"))
    if (e["state"] == state) return e;
  return std::nullopt;
}

std::string aerator_rules(const std::string& below, const std::string& alarm_below) {
  return "rules:\n  - name: aerate-low-oxygen\n    when: pond1_do.do < " + below +
         "\n    until: pond1_do.do > 6.0\n    set: { pond1_relay.aerator: on }\n"
         "actuators:\n  pond1_relay.aerator: { failsafe: on }\n"
         "alarms:\n  - name: oxygen-low\n    when: pond1_do.do < " + alarm_below +
         "\n    message: \"oxygen {pond1_do.do}\"\n";
}

std::size_t offline_statuses(const Probe& probe) {
  std::size_t n = 0;
  for (const auto& m : probe.on("status")) n += m.payload.find("offline") != std::string::npos;
  return n;
}

std::size_t count_in(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Sends SIGHUP with `options` written, then watches the coil until the reload's `config`
// event has come and 10 more oxygen readings after it; returns the coil states seen.
std::set<bool> reload_and_watch(Site& site, Process& daemon, const Probe& probe,
                                const GatewayOptions& options) {
  site.write_config(options);
  daemon.signal(SIGHUP);
  std::set<bool> seen;
  std::int64_t reloaded_at = -1;
  for (int i = 0; i < 2000; ++i) {
    seen.insert(site.coil(1, 0));
    if (reloaded_at < 0 && config_event(probe, "reloaded")) reloaded_at = newest_seq(probe);
    if (reloaded_at >= 0 && readings_after(probe, reloaded_at, "pond1_do.do") >= 10) return seen;
    REQUIRE(daemon.running());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("no reload, or no readings after it");
  return seen;
}

}  // namespace

TEST_CASE("a reload that changes a threshold keeps a manual hold and the connection",
          "[daemon][reload]") {
  FarmState farm;
  farm.dissolved_oxygen = 7.0;  // the rule wants the aerator off
  Site site(farm);
  GatewayOptions options;
  options.rules_yaml = aerator_rules("4.0", "3.0");
  site.write_config(options);
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  REQUIRE(wait_until([&] { return latest_status(probe).has_value(); }));
  REQUIRE(wait_until([&] { return newest_seq(probe) >= 5; }));

  probe.publish(std::string(kTopicBase) + "cmd",
                R"({"id":"c-1","op":"set","point":"pond1_relay.aerator","value":true,"hold":"30m"})");
  REQUIRE(wait_until([&] { return site.coil(1, 0); }));
  REQUIRE(wait_until([&] { return events_of(probe, "actuator").size() == 1; }));
  const std::size_t statuses = probe.on("status").size();

  options.rules_yaml = aerator_rules("3.5", "3.0");  // the technician's edit
  const std::set<bool> coil = reload_and_watch(site, *daemon, probe, options);
  CHECK(coil == std::set<bool>{true});  // held on all along
  CHECK(events_of(probe, "actuator").size() == 1);  // only the hold's own
  CHECK(events_of(probe, "actuator").front()["reason"] == "override c-1");
  CHECK(offline_statuses(probe) == 0);
  // The connection stayed: no new online status, only periodic ones (with "buffer").
  for (std::size_t i = statuses; i < probe.on("status").size(); ++i)
    CHECK(probe.on("status")[i].payload.find("\"buffer\"") != std::string::npos);
  // The aerator's state was known: it was read at start, not again at the reload.
  CHECK(count_in(read_file(site.log_path()), "pond1_relay.aerator is off at start") == 1);

  // The hold is still the engine's: releasing it hands the aerator back to the rules (off).
  probe.publish(std::string(kTopicBase) + "cmd",
                R"({"id":"c-2","op":"release","point":"pond1_relay.aerator"})");
  REQUIRE(wait_until([&] { return !site.coil(1, 0); }));
  CHECK(terminate(*daemon) == 0);
}

TEST_CASE("a reload keeps a raised alarm raised without a second `raised`", "[daemon][reload]") {
  FarmState farm;
  farm.dissolved_oxygen = 2.5;  // below both thresholds
  farm.aerator = true;
  Site site(farm);
  GatewayOptions options;
  options.rules_yaml = aerator_rules("4.0", "3.0");
  site.write_config(options);
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  REQUIRE(wait_until([&] { return events_of(probe, "alarm").size() == 1; }));

  options.rules_yaml = aerator_rules("4.0", "3.5");  // a new alarm threshold, still true
  const std::set<bool> coil = reload_and_watch(site, *daemon, probe, options);
  CHECK(coil == std::set<bool>{true});
  auto alarms = events_of(probe, "alarm");
  REQUIRE(alarms.size() == 1);
  CHECK(alarms[0]["name"] == "oxygen-low");
  CHECK(alarms[0]["state"] == "raised");
  CHECK(events_of(probe, "actuator").empty());  // on at start, and the rule wants it on

  // It still clears, once, when oxygen comes back.
  site.control("set 2 holding 0 float32:5.0");
  REQUIRE(wait_until([&] { return events_of(probe, "alarm").size() == 2; }));
  CHECK(events_of(probe, "alarm")[1]["state"] == "cleared");
  CHECK(terminate(*daemon) == 0);
}

TEST_CASE("SIGHUP with a broken config keeps the running one, then a good one is reloaded",
          "[daemon][reload]") {
  Site site;
  site.control("set 2 holding 2 87");
  site.write_config({});
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  REQUIRE(wait_until([&] { return newest_seq(probe) >= 5; }, std::chrono::seconds(10)));

  // A typo a technician makes: a duration that is not one. Where it is, to the column.
  const std::string good = read_file(site.config_path());
  std::string broken = good;
  const std::string wrong = "    poll: fast\n";
  const auto at = broken.find("    poll: 200ms\n");
  REQUIRE(at != std::string::npos);
  broken.replace(at, 16, wrong);
  const int line = 1 + static_cast<int>(std::count(broken.begin(), broken.begin() + at, '\n'));
  const std::string position = site.config_path() + ":" + std::to_string(line) + ":11: error:";
  site.dir().write("farmgate.yaml", broken);

  daemon->signal(SIGHUP);
  REQUIRE(wait_until([&] { return config_event(probe, "rejected").has_value(); },
                     std::chrono::seconds(10)));
  CHECK(read_file(site.log_path()).find(position) != std::string::npos);
  CHECK(config_event(probe, "rejected")->value("message", "").find("error") != std::string::npos);
  // The old config keeps running: readings go on.
  const std::int64_t at_rejection = newest_seq(probe);
  REQUIRE(wait_until([&] { return readings_after(probe, at_rejection, "pond1_do.do") >= 5; },
                     std::chrono::seconds(10)));
  CHECK(daemon->running());

  // A good changed config: one more point.
  GatewayOptions changed;
  changed.extra_points =
      "      - { name: saturation, table: holding, address: 2, type: uint16, unit: \"%\" }\n";
  site.write_config(changed);
  std::string sha;
  REQUIRE(run_command({"sh", "-c",
                       "cat '" + site.config_path() + "' '" + site.dir().file("rules.yaml") +
                           "' | sha256sum | cut -c1-64"},
                      &sha) == 0);
  daemon->signal(SIGHUP);
  REQUIRE(wait_until([&] { return config_event(probe, "reloaded").has_value(); },
                     std::chrono::seconds(10)));
  REQUIRE(wait_until([&] { return readings_after(probe, 0, "pond1_do.saturation") >= 3; },
                     std::chrono::seconds(10)));
  for (const auto& r : first_deliveries(probe)) {
    if (r["point"] != "pond1_do.saturation") continue;
    CHECK(r["value"] == 87);
    CHECK(r["unit"] == "%");
    CHECK(r["quality"] == "good");
  }
  // The status now names the new config.
  REQUIRE(wait_until(
      [&] {
        auto s = latest_status(probe);
        return s && s->value("config", "") == sha.substr(0, 64);
      },
      std::chrono::seconds(10)));
  CHECK(terminate(*daemon) == 0);
  CHECK(contiguous(reading_seqs(probe)));
}
