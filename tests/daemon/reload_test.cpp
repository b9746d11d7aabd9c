// SIGHUP (spec §2): a broken new config is reported and the running one stays; a good one
// replaces it.
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>

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

std::int64_t newest_seq(const Probe& probe) {
  auto seqs = reading_seqs(probe);
  return seqs.empty() ? 0 : *seqs.rbegin();
}

std::optional<json> config_event(const Probe& probe, const std::string& state) {
  for (const auto& e : events_of(probe, "config"))
    if (e["state"] == state) return e;
  return std::nullopt;
}

}  // namespace

TEST_CASE("SIGHUP with a broken config keeps the running one; a good one is then reloaded",
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
