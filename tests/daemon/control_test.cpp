// Local control end to end (spec §4): the aerator rule, commands on `cmd`, the failsafe, and
// the state read at start, seen on the coil in farmsim and as events on MQTT.
#include <catch2/catch.hpp>
#include <thread>

#include "tests/daemon/payload_checks.h"
#include "tests/daemon/site.h"

using namespace farmgate::test;

namespace {

GatewayOptions with_rules() {
  GatewayOptions o;
  o.rules_yaml = kAeratorRule;
  return o;
}

std::vector<json> aerator_events(const Probe& probe) {
  std::vector<json> out;
  for (const auto& e : events_of(probe, "actuator"))
    if (e["point"] == "pond1_relay.aerator") out.push_back(e);
  return out;
}

bool has_event(const Probe& probe, bool value, const std::string& reason) {
  for (const auto& e : aerator_events(probe))
    if (e["value"] == value && e["reason"] == reason) return true;
  return false;
}

std::size_t good_readings(const Probe& probe, const std::string& point) {
  std::size_t n = 0;
  for (const auto& r : first_deliveries(probe)) n += r["point"] == point && r["quality"] == "good";
  return n;
}

void set_oxygen(Site& site, double value) {
  site.control("set 2 holding 0 float32:" + std::to_string(value));
}

}  // namespace

TEST_CASE("at start the actuator's actual state is read and not rewritten", "[daemon][control]") {
  FarmState farm;
  farm.dissolved_oxygen = 3.0;  // the rule wants the aerator on, and it is on already
  farm.aerator = true;
  Site site(farm);
  site.write_config(with_rules());
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));

  // Watch the coil from the very start until the rule has had many chances to act.
  int samples = 0;
  while (good_readings(probe, "pond1_relay.aerator") < 10 || samples < 50) {
    REQUIRE(site.coil(1, 0));
    ++samples;
    REQUIRE(daemon->running());
    REQUIRE(samples < 2000);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (const auto& r : first_deliveries(probe))
    if (r["point"] == "pond1_relay.aerator") CHECK(r["value"] == true);
  CHECK(aerator_events(probe).empty());  // no write: nothing changed
  CHECK(read_file(site.log_path()).find("pond1_relay.aerator is on at start") != std::string::npos);
}

TEST_CASE("the aerator rule turns the coil on below `when` and off past `until`",
          "[daemon][control]") {
  Site site;  // DO 5.0, aerator off
  site.write_config(with_rules());
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  REQUIRE(wait_until([&] { return good_readings(probe, "pond1_do.do") >= 3; }));
  CHECK_FALSE(site.coil(1, 0));

  set_oxygen(site, 3.0);
  REQUIRE(wait_until([&] { return site.coil(1, 0); }));
  REQUIRE(wait_until([&] { return has_event(probe, true, "rule aerate-low-oxygen"); }));

  // Between the thresholds the rule holds (hysteresis).
  set_oxygen(site, 5.0);
  const std::size_t seen = good_readings(probe, "pond1_do.do");
  REQUIRE(wait_until([&] { return good_readings(probe, "pond1_do.do") >= seen + 5; }));
  CHECK(site.coil(1, 0));

  set_oxygen(site, 7.0);
  REQUIRE(wait_until([&] { return !site.coil(1, 0); }));
  REQUIRE(wait_until([&] { return has_event(probe, false, "default"); }));
  auto events = aerator_events(probe);
  REQUIRE(events.size() == 2);
  CHECK(events[0]["value"] == true);
  CHECK(events[1]["value"] == false);
}

TEST_CASE("a set with hold drives the coil, release hands back, malformed commands change nothing",
          "[daemon][control]") {
  FarmState farm;
  farm.dissolved_oxygen = 7.0;  // the rule wants the aerator off
  Site site(farm);
  site.write_config(with_rules());
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  REQUIRE(wait_until([&] { return latest_status(probe).has_value(); }));
  REQUIRE(wait_until([&] { return good_readings(probe, "pond1_do.do") >= 3; }));
  const std::string cmd = std::string(kTopicBase) + "cmd";

  probe.publish(cmd, R"({"id":"c-1","op":"set","point":"pond1_relay.aerator","value":true,"hold":"30m"})");
  REQUIRE(wait_until([&] { return result_of(probe, "c-1").has_value(); }));
  CHECK(result_of(probe, "c-1")->dump() == R"({"id":"c-1","ok":true})");
  REQUIRE(wait_until([&] { return site.coil(1, 0); }));
  REQUIRE(wait_until([&] { return has_event(probe, true, "override c-1"); }));
  REQUIRE(wait_until([&] { return !events_of(probe, "command").empty(); }));
  json accepted = events_of(probe, "command").front();
  CHECK(accepted["id"] == "c-1");
  CHECK(accepted["op"] == "set");
  CHECK(accepted["point"] == "pond1_relay.aerator");
  CHECK(accepted["ok"] == true);

  probe.publish(cmd, R"({"id":"c-2","op":"release","point":"pond1_relay.aerator"})");
  REQUIRE(wait_until([&] { return result_of(probe, "c-2").has_value(); }));
  CHECK(result_of(probe, "c-2")->dump() == R"({"id":"c-2","ok":true})");
  REQUIRE(wait_until([&] { return !site.coil(1, 0); }));  // back to the rules: DO is fine
  REQUIRE(wait_until([&] { return aerator_events(probe).size() == 2; }));

  const std::vector<std::string> refused = {
      "{not json",
      R"({"op":"set","point":"pond1_relay.aerator","value":true,"hold":"30m"})",
      R"({"id":"c-3","op":"toggle","point":"pond1_relay.aerator"})",
      R"({"id":"c-4","op":"set","point":"pond1_relay.nope","value":true,"hold":"30m"})",
      R"({"id":"c-5","op":"set","point":"pond1_relay.aerator","value":1,"hold":"30m"})",
      R"({"id":"c-6","op":"set","point":"pond1_do.do","value":5,"hold":"30m"})",
      R"({"id":"c-7","op":"set","point":"pond1_relay.aerator","value":true})",
      R"({"id":"c-8","op":"set","point":"pond1_relay.aerator","value":true,"hold":"25h"})",
      R"({"id":"c-9","op":"set","point":"pond1_relay.aerator","value":true,"hold":"30m","pad":")" +
          std::string(5000, 'x') + "\"}",
  };
  const std::size_t commands_before = events_of(probe, "command").size();
  // One at a time, paced under the uplink's limit of 10 commands a second.
  auto send = [&](const std::string& payload) {
    const std::size_t answered = command_results(probe).size();
    probe.publish(cmd, payload);
    REQUIRE(wait_until([&] { return command_results(probe).size() == answered + 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  };
  for (const auto& payload : refused) send(payload);
  send(R"({"id":"c-10","op":"status"})");  // a valid one is still answered
  REQUIRE(result_of(probe, "c-10").has_value());
  CHECK(result_of(probe, "c-10")->value("ok", false));

  auto results = command_results(probe);
  REQUIRE(results.size() == 2 + refused.size() + 1);
  for (std::size_t i = 2; i < 2 + refused.size(); ++i) {
    INFO(results[i].dump());
    CHECK(results[i]["ok"] == false);
    CHECK(results[i]["error"].is_string());
  }
  CHECK_FALSE(results[2].contains("id"));  // no id to echo
  CHECK(results[4]["id"] == "c-3");
  CHECK(results[7]["id"] == "c-6");
  CHECK(results[7]["error"] == "pond1_do.do is not writable");
  // Refused before it is parsed (spec §7: 4096 bytes at most), so its id is unknown too.
  CHECK_FALSE(results[10].contains("id"));
  CHECK(results[10]["error"].get<std::string>().find("over the limit") != std::string::npos);
  REQUIRE(wait_until(
      [&] { return events_of(probe, "command").size() == commands_before + refused.size() + 1; }));
  // Nothing else changed: the coil stays off, no actuator change.
  const std::size_t seen = good_readings(probe, "pond1_relay.aerator");
  REQUIRE(wait_until([&] { return good_readings(probe, "pond1_relay.aerator") >= seen + 3; }));
  CHECK_FALSE(site.coil(1, 0));
  CHECK(aerator_events(probe).size() == 2);
}

TEST_CASE("a silent oxygen probe puts the aerator on failsafe within stale_after and a poll",
          "[daemon][control]") {
  FarmState farm;
  farm.dissolved_oxygen = 7.0;
  Site site(farm);
  site.write_config(with_rules());  // poll 200ms, stale_after 1s
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  REQUIRE(wait_until([&] { return good_readings(probe, "pond1_do.do") >= 3; }));
  CHECK_FALSE(site.coil(1, 0));

  site.control("fault 2 silent");
  REQUIRE(wait_until([&] { return site.coil(1, 0); }));
  REQUIRE(wait_until([&] { return has_event(probe, true, "failsafe"); }));

  // Measured on the daemon's own clock: from the last good reading to the failsafe event,
  // stale_after (1 s) + one poll (200 ms) + one response timeout (300 ms), and a second of
  // slack for a loaded machine.
  std::int64_t last_good = 0;
  for (const auto& r : first_deliveries(probe))
    if (r["point"] == "pond1_do.do" && r["quality"] == "good") last_good = r["ts"].get<std::int64_t>();
  std::int64_t failsafe_at = 0;
  for (const auto& e : aerator_events(probe))
    if (e["reason"] == "failsafe") failsafe_at = e["ts"].get<std::int64_t>();
  CHECK(failsafe_at - last_good >= 1000);
  CHECK(failsafe_at - last_good <= 1000 + 200 + 300 + 1000);

  // The probe answers again with a good value: the failsafe lets go.
  site.control("fault 2 none");
  REQUIRE(wait_until([&] { return !site.coil(1, 0); }));
}
