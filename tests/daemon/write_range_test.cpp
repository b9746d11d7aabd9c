// Spec §7 "writes that can be written", end to end: an MQTT `set` of a uint16 register (farmsim
// unit 2, holding 10) outside what it holds is refused with the range; one between two steps
// is rounded, the result says what is written, and the read-back matches (no retry, no fault).
#include <catch2/catch.hpp>

#include "tests/daemon/payload_checks.h"
#include "tests/daemon/site.h"

using namespace farmgate::test;

namespace {

std::vector<json> level_faults(const Probe& probe) {
  std::vector<json> out;
  for (const auto& e : events_of(probe, "fault"))
    if (e.value("point", "") == "pond1_do.level") out.push_back(e);
  return out;
}

}  // namespace

TEST_CASE("a set the register cannot hold is refused with its range, one between steps is "
          "rounded and sticks",
          "[daemon][control][write_range]") {
  Site site;
  GatewayOptions o;
  o.extra_points = "      - { name: level, table: holding, address: 10, type: uint16, writable: true }\n";
  site.write_config(o);
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  REQUIRE(wait_until([&] { return latest_status(probe).has_value(); }));
  const std::string cmd = std::string(kTopicBase) + "cmd";

  probe.publish(cmd, R"({"id":"big","op":"set","point":"pond1_do.level","value":70000,"hold":"30m"})");
  REQUIRE(wait_until([&] { return result_of(probe, "big").has_value(); }));
  CHECK(result_of(probe, "big")->dump() ==
        R"({"error":"pond1_do.level: 70000 is out of range: uint16 holds [0, 65535] in steps of 1","id":"big","ok":false})");

  probe.publish(cmd, R"({"id":"odd","op":"set","point":"pond1_do.level","value":12.7,"hold":"30m"})");
  REQUIRE(wait_until([&] { return result_of(probe, "odd").has_value(); }));
  CHECK(result_of(probe, "odd")->dump() == R"({"id":"odd","ok":true,"rounded_from":12.7,"value":13})");
  REQUIRE(wait_until([&] { return site.control("get 2 holding 10") == "ok 13"; }));
  // A read-back of 13 for 12.7 used to be a mismatch: a fault at once and a retry every 5 s.
  // Wait for two more polls of the point (200 ms each) plus the write's own read-back.
  const std::size_t polls = telemetry_readings(probe).size();
  REQUIRE(wait_until([&] { return telemetry_readings(probe).size() >= polls + 6; }));
  CHECK(level_faults(probe).empty());
  for (const auto& e : events_of(probe, "actuator"))
    if (e.value("point", "") == "pond1_do.level") CHECK(e["value"] == 13);
  CHECK(terminate(*daemon) == 0);
}
