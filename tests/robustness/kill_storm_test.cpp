// Spec §6 "committed data survives kill -9, the database is never left corrupt", harder than
// tests/daemon/durability_test.cpp: ten kills in a row, fast polling (50 ms), kills at any
// moment including during start-up and recovery, not only once publishing runs.
#include <signal.h>

#include <catch2/catch.hpp>
#include <random>
#include <thread>

#include "tests/daemon/payload_checks.h"
#include "tests/daemon/site.h"

using namespace farmgate::test;

TEST_CASE("ten kill -9 in a row while polling fast and publishing: no seq hole, buffer healthy",
          "[robustness][durability]") {
  Site site;
  GatewayOptions o;
  o.poll = "50ms";
  site.write_config(o);
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  std::mt19937 random(std::random_device{}());

  for (int round = 0; round < 10; ++round) {
    INFO("round " << round);
    auto daemon = site.start_daemon();
    // Odd rounds die while starting (opening the buffer, recovering, connecting); even rounds
    // once publishing is under way.
    if (round % 2 == 0) {
      const std::size_t before = reading_seqs(probe).size();
      REQUIRE(wait_until([&] { return reading_seqs(probe).size() > before; },
                         std::chrono::seconds(15)));
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 700)(random)));
    daemon->signal(SIGKILL);
    REQUIRE(daemon->wait(std::chrono::seconds(5)) == 128 + SIGKILL);
    REQUIRE(integrity_check(site.db_path()) == "ok");
  }

  const std::int64_t recorded = max_reading_seq(site.db_path());
  REQUIRE(recorded > 0);
  auto count_starts = [&] {
    const std::string log = read_file(site.log_path());
    std::size_t n = 0;
    for (auto at = log.find(" running: "); at != std::string::npos;
         at = log.find(" running: ", at + 1))
      ++n;
    return n;
  };
  const std::size_t starts_before = count_starts();
  auto daemon = site.start_daemon();
  // SIGTERM before main() has set up its handlers would kill it the default way.
  REQUIRE(wait_until([&] { return count_starts() > starts_before; }, std::chrono::seconds(15)));
  INFO(read_file(site.log_path()));
  // Readings the broker got before a kill but whose acknowledgement the daemon never saw are
  // still unsent: they go again (at-least-once), so wait for the buffer too, not only for
  // the seqs the probe has seen.
  REQUIRE(wait_until(
      [&] {
        auto seqs = reading_seqs(probe);
        return !seqs.empty() && *seqs.rbegin() >= recorded && contiguous(seqs) &&
               unsent_readings(site.db_path(), recorded) == 0;
      },
      std::chrono::seconds(30)));
  CHECK(terminate(*daemon) == 0);
  CHECK(integrity_check(site.db_path()) == "ok");
  CHECK(unsent_readings(site.db_path(), recorded) == 0);
  auto seqs = reading_seqs(probe);
  CHECK(*seqs.begin() == first_reading_seq(site.db_path()));
  CHECK(contiguous(seqs));
}
