// Spec §6, last promise, on the hardest wiring: two units on ONE RS-485 bus (one bus owner,
// half duplex). Whatever one unit does wrong, the other keeps its poll rate and the daemon
// keeps running; an unplugged adapter reads `error` and recovers without a restart.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/daemon/payload_checks.h"
#include "tests/robustness/rtu_rig.h"

using namespace farmgate::test;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kPollMs = 100;

// Requests farmsim got for the healthy unit over about `span`, against the count the poll
// interval gives for the time actually measured.
struct Rate {
  long seen;
  double expected;
};

Rate healthy_rate(RtuRig& rig, std::chrono::milliseconds span) {
  const long before = rig.requests(kHealthyUnit);
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(span);
  const long after = rig.requests(kHealthyUnit);
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  return {after - before, ms / kPollMs};
}

std::vector<json> readings_of(const Probe& probe, const std::string& point) {
  std::vector<json> out;
  for (const auto& r : first_deliveries(probe))
    if (r["point"] == point) out.push_back(r);
  return out;
}

}  // namespace

TEST_CASE("every device fault on one unit of a shared RTU bus leaves the other unit's poll rate "
          "within 10% and the daemon running",
          "[robustness][bus]") {
  RtuRig rig;
  rig.write_config(std::to_string(kPollMs) + "ms");
  auto daemon = rig.start_daemon();
  REQUIRE(wait_until([&] { return rig.requests(kHealthyUnit) >= 5; }, std::chrono::seconds(10)));

  const char* faults[] = {"silent", "exception 4", "badcrc", "wrongunit",
                          "truncate", "slow 300",  "flaky"};
  for (const char* fault : faults) {
    INFO("fault on unit " << kSickUnit << ": " << fault);
    REQUIRE(rig.sim().command("fault " + std::to_string(kSickUnit) + " " + fault) == "ok");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // backoff settles
    Rate r = healthy_rate(rig, std::chrono::milliseconds(3000));
    INFO("healthy unit: " << r.seen << " requests, " << r.expected << " expected");
    CHECK(r.seen >= 0.9 * r.expected);
    CHECK(r.seen <= 1.1 * r.expected + 1);
    REQUIRE(daemon->running());
    REQUIRE(rig.sim().command("fault " + std::to_string(kSickUnit) + " none") == "ok");
  }
  INFO(rig.log());
  CHECK(daemon->running());
}

TEST_CASE("an unplugged serial adapter reads error, and good readings resume once it is back, "
          "without restarting farmgate",
          "[robustness][bus]") {
  RtuRig rig;
  rig.write_config("200ms");
  Probe probe(rig.broker().url(), "farmgate/test-gw/#");  // payload_checks expect test-gw
  auto daemon = rig.start_daemon();
  auto quality_after = [&](const char* quality, std::int64_t after_seq) -> std::int64_t {
    for (const auto& r : readings_of(probe, "healthy.level"))
      if (r["quality"] == quality && r["seq"].get<std::int64_t>() > after_seq)
        return r["seq"].get<std::int64_t>();
    return 0;
  };
  REQUIRE(wait_until([&] { return quality_after("good", 0) > 0; }, std::chrono::seconds(15)));

  rig.unplug();
  std::int64_t error_seq = 0;
  REQUIRE(wait_until([&] { return (error_seq = quality_after("error", 0)) > 0; },
                     std::chrono::seconds(15)));
  REQUIRE(daemon->running());
  for (const auto& r : readings_of(probe, "healthy.level"))
    if (r["quality"] == "error") CHECK(r["value"].is_null());

  rig.plug();
  INFO(rig.log());
  CHECK(wait_until([&] { return quality_after("good", error_seq) > 0; },
                   std::chrono::seconds(30)));
  CHECK(wait_until([&] { return quality_after("good", error_seq) > 0 &&
                                readings_of(probe, "sick.level").back()["quality"] == "good"; },
                   std::chrono::seconds(30)));
  CHECK(daemon->running());
}
