// max_size (spec §6): sent readings go first, then the oldest unsent (counted); events stay;
// the file stops growing.
#include <catch2/catch.hpp>
#include <iostream>

#include "common/event.h"
#include "store/sqlite_store.h"
#include "tests/store/store_helpers.h"

using namespace farmgate;
using farmgate::test::TempDir;

namespace {

std::int64_t main_file_bytes(const std::string& path) {
  return std::stoll(test::query(path, "PRAGMA page_count")) *
         std::stoll(test::query(path, "PRAGMA page_size"));
}

}  // namespace

TEST_CASE("bytes per reading on disk (documented in store/README.md)", "[store]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  auto s = test::open_store(opts);
  auto& sq = dynamic_cast<store::SqliteStore&>(*s);
  store::SizeCap cap(sq.db());
  const std::int64_t empty = cap.used_bytes();
  const std::int64_t n = 50000;
  for (std::int64_t i = 1; i <= n; i += 1000) {
    for (std::int64_t j = i; j < i + 1000; ++j) {
      Reading r = test::reading_no(j);
      r.point = "dev" + std::to_string(j % 20) + ".point";  // 20 points
      r.value = 20.0 + static_cast<double>(j % 997) / 100;
      s->add(r);
    }
    REQUIRE(s->commit());
  }
  const double unsent = static_cast<double>(cap.used_bytes() - empty) / n;
  std::vector<std::int64_t> all;
  for (std::int64_t i = 1; i <= n; ++i) all.push_back(i);
  s->mark_readings_sent(all);
  const double sent = static_cast<double>(cap.used_bytes() - empty) / n;
  std::cout << "store: bytes per reading: " << unsent << " unsent, " << sent << " sent\n";
  CHECK(unsent < 80);
}

TEST_CASE("past max_size sent readings go first, then the oldest unsent, and events stay", "[store]") {
  TempDir dir;
  const std::uint64_t max = 1 << 20;  // 1 MiB: about 20000 readings
  auto opts = test::storage_in(dir, max);
  const std::int64_t total = 60000;
  std::int64_t file_at_cap = 0;
  {
    auto s = test::open_store(opts);
    test::add_and_commit(*s, 1, 1000);
    std::vector<std::int64_t> first;
    for (std::int64_t i = 1; i <= 1000; ++i) first.push_back(i);
    s->mark_readings_sent(first);
    for (int i = 0; i < 50; ++i) s->add(config_event(test::kT0 + i, true, "keep me"));
    for (std::int64_t i = 1001; i <= total; i += 500) {
      test::add_and_commit(*s, i, i + 499);
      if (i == 40001) file_at_cap = main_file_bytes(opts.path);
    }
    auto st = s->stats();
    auto unsent = s->unsent_readings(0, 1000000);
    REQUIRE(!unsent.empty());
    // What is left is the newest unsent readings, without a hole, up to the last seq.
    CHECK(unsent.back().seq == total);
    CHECK(unsent.front().seq == total - static_cast<std::int64_t>(unsent.size()) + 1);
    CHECK(st.unsent == static_cast<std::int64_t>(unsent.size()));
    CHECK(s->readings_between(0, test::kT0 + 1001 * 1000).empty());  // the sent ones: gone
    CHECK(st.dropped == (total - 1000) - st.unsent);  // sent readings are not "dropped"
    CHECK(st.dropped > 0);
    CHECK(s->unsent_events(0, 1000).size() == 50);
    // Bounded: the main file ends near the cap and stopped growing once there.
    const std::int64_t file_end = main_file_bytes(opts.path);
    CHECK(file_end <= static_cast<std::int64_t>(max) + 64 * 1024);
    CHECK(file_end <= file_at_cap + 16 * 1024);
  }
  auto s = test::open_store(opts);
  CHECK(s->stats().dropped == (total - 1000) - s->stats().unsent);  // persisted
  CHECK(s->stats().dropped > 0);
}
