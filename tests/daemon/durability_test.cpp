// What is never lost (spec §6) across the ways a daemon ends: kill -9, SIGTERM, and a buffer
// found corrupt at the next start.
#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include "tests/daemon/payload_checks.h"
#include "tests/daemon/site.h"

using namespace farmgate::test;

namespace {

// The readings the probe got cover the buffer's first seq..up_to without a hole.
bool delivered_through(const Probe& probe, std::int64_t first, std::int64_t up_to) {
  auto seqs = reading_seqs(probe);
  return !seqs.empty() && *seqs.begin() == first && *seqs.rbegin() >= up_to && contiguous(seqs);
}

std::size_t reading_count(const Probe& probe) { return reading_seqs(probe).size(); }

// Three runs of the daemon, each killed -9 at a random moment after `delivered` grew.
void kill_at_random_moments(Site& site, const std::function<std::size_t()>& delivered) {
  std::mt19937 random(std::random_device{}());
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    auto daemon = site.start_daemon();
    const std::size_t before = delivered();
    REQUIRE(wait_until([&] { return delivered() > before; }, std::chrono::seconds(10)));
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 1200)(random)));
    daemon->signal(SIGKILL);
    REQUIRE(daemon->wait(std::chrono::seconds(5)) == 128 + SIGKILL);
    CHECK(integrity_check(site.db_path()) == "ok");
  }
}

// Profiles thingsboard and sparkplug send no seq: every value committed by the killed runs
// reaches the platform (as DEVICE.POINT at its ts) once a next run is up.
void killed_runs_deliver_every_value(Site& site,
                                     const std::function<std::set<std::string>()>& received) {
  kill_at_random_moments(site, [&] { return received().size(); });

  const std::int64_t recorded = max_reading_seq(site.db_path());
  REQUIRE(recorded > 0);
  const std::set<std::string> committed = valued_readings(site.db_path(), recorded);
  REQUIRE_FALSE(committed.empty());
  // The killed runs may have sent all of it already (unacknowledged): wait also for values
  // of the new run's own, so it is surely up and handles SIGTERM.
  const std::int64_t started_ms = now_ms();
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  auto all_delivered = [&] {
    const auto got = received();
    const bool own = std::any_of(got.begin(), got.end(), [&](const std::string& v) {
      return std::stoll(v.substr(v.rfind('@') + 1)) >= started_ms;
    });
    return own && std::includes(got.begin(), got.end(), committed.begin(), committed.end());
  };
  REQUIRE(wait_until(all_delivered, std::chrono::seconds(15)));
  CHECK(terminate(*daemon) == 0);
  CHECK(integrity_check(site.db_path()) == "ok");
}

}  // namespace

TEST_CASE("kill -9 at random moments loses no committed reading and leaves the buffer healthy",
          "[daemon][durability]") {
  Site site;
  site.write_config({});
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  kill_at_random_moments(site, [&] { return reading_count(probe); });

  // Everything any of the killed runs committed is delivered by the next one, without a hole.
  const std::int64_t recorded = max_reading_seq(site.db_path());
  REQUIRE(recorded > 0);
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  // (+5: readings of its own too, so it is surely up and handles SIGTERM)
  const std::int64_t first = first_reading_seq(site.db_path());
  REQUIRE(wait_until([&] { return delivered_through(probe, first, recorded + 5); },
                     std::chrono::seconds(15)));
  CHECK(terminate(*daemon) == 0);
  CHECK(integrity_check(site.db_path()) == "ok");
  auto seqs = reading_seqs(probe);
  CHECK(*seqs.begin() == first);
  CHECK(contiguous(seqs));
}

TEST_CASE("kill -9 at random moments loses no committed reading under profile thingsboard",
          "[daemon][durability][thingsboard]") {
  Site site;
  GatewayOptions options;
  options.profile = "thingsboard";
  site.write_config(options);
  Probe probe(site.broker().url(), "v1/#");
  killed_runs_deliver_every_value(site, [&] { return thingsboard_values(probe); });
}

TEST_CASE("kill -9 at random moments loses no committed reading under profile sparkplug",
          "[daemon][durability][sparkplug]") {
  Site site;
  GatewayOptions options;
  options.profile = "sparkplug";
  site.write_config(options);
  Probe probe(site.broker().url(), "spBv1.0/#");
  TahuReader reader(probe);
  killed_runs_deliver_every_value(site, [&] { return sparkplug_values(reader); });
}

TEST_CASE("SIGTERM exits 0, leaves the retained status offline and loses nothing committed",
          "[daemon][durability]") {
  Site site;
  site.write_config({});
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();
  REQUIRE(wait_until([&] { return reading_count(probe) >= 10; }, std::chrono::seconds(10)));

  daemon->signal(SIGTERM);
  CHECK(daemon->wait(std::chrono::seconds(10)) == 0);
  INFO(read_file(site.log_path()));

  // The platform that looks now sees the gateway offline (retained), not the last online.
  Probe later(site.broker().url(), std::string(kTopicBase) + "status");
  REQUIRE(later.wait_for([](const auto& m) { return !m.empty(); }));
  CHECK(later.messages().back().retained);
  CHECK(later.messages().back().payload == R"({"state":"offline"})");
  CHECK(latest_status(probe)->dump() == R"({"state":"offline"})");

  CHECK(integrity_check(site.db_path()) == "ok");
  const std::int64_t recorded = max_reading_seq(site.db_path());
  REQUIRE(recorded >= 10);

  // A restart delivers whatever the first run committed but had not sent.
  auto again = site.start_daemon();
  const std::int64_t first = first_reading_seq(site.db_path());
  REQUIRE(wait_until([&] { return delivered_through(probe, first, recorded + 5); },
                     std::chrono::seconds(10)));
  again->signal(SIGTERM);
  CHECK(again->wait(std::chrono::seconds(10)) == 0);
  CHECK(unsent_readings(site.db_path(), recorded) == 0);
}

TEST_CASE("a corrupt buffer at start is moved aside and a storage fault is reported",
          "[daemon][durability]") {
  Site site;
  site.write_config({});
  std::string garbage;
  for (int i = 0; i < 2000; ++i) garbage += "this is not an SQLite database ";
  site.dir().write("buffer.db", garbage);

  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  REQUIRE(wait_until(
      [&] {
        for (const auto& e : events_of(probe, "fault"))
          if (e["source"] == "storage") return true;
        return false;
      },
      std::chrono::seconds(10)));
  REQUIRE(wait_until([&] { return reading_count(probe) >= 5; }, std::chrono::seconds(10)));
  CHECK(daemon->running());

  // buffer.db.corrupt-<UTC time>, holding exactly the garbage; a fresh buffer in its place.
  std::vector<std::string> aside;
  for (const auto& entry : std::filesystem::directory_iterator(site.dir().path())) {
    std::string name = entry.path().filename().string();
    if (name.rfind("buffer.db.corrupt-", 0) == 0) aside.push_back(name);
  }
  REQUIRE(aside.size() == 1);
  CHECK(std::regex_match(aside[0], std::regex(R"(buffer\.db\.corrupt-\d{8}T\d{6}Z)")));
  CHECK(read_file(site.dir().file(aside[0])) == garbage);
  json fault;
  for (const auto& e : events_of(probe, "fault"))
    if (e["source"] == "storage") fault = e;
  CHECK(fault["message"].get<std::string>().find(aside[0]) != std::string::npos);

  CHECK(terminate(*daemon) == 0);
  CHECK(integrity_check(site.db_path()) == "ok");
}
