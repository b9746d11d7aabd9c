// Seqs never repeat even when the state folder is lost (spec §7): a buffer with no record of
// earlier seqs numbers above the wall clock in microseconds when the clock is plausible.
#include <catch2/catch.hpp>
#include <filesystem>

#include "common/event.h"
#include "store/seq_reservation.h"
#include "tests/store/store_helpers.h"

using namespace farmgate;
using farmgate::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::int64_t at_t0() { return test::kT0 + 123; }
std::int64_t one_second_later() { return test::kT0 + 1000; }
std::int64_t an_hour_earlier() { return test::kT0 - 3600 * 1000; }
constexpr std::int64_t kT0Floor = (test::kT0 + 123) * 1000;  // above Unix seconds x 10^6

}  // namespace

TEST_CASE("a fresh buffer numbers readings and events above the wall clock in microseconds",
          "[store][seq]") {
  STATIC_REQUIRE(kT0Floor >= test::kT0 / 1000 * 1000000);
  TempDir dir;
  auto s = store::Store::open(test::storage_in(dir), at_t0);
  test::add_and_commit(*s, 1, 3);
  s->add(config_event(test::kT0, true, "a"));
  REQUIRE(s->commit());
  CHECK(test::seqs_of(s->unsent_readings(0, 10)) ==
        std::vector<std::int64_t>{kT0Floor + 1, kT0Floor + 2, kT0Floor + 3});
  CHECK(test::seqs_of(s->unsent_events(0, 10)) == std::vector<std::int64_t>{kT0Floor + 1});
}

TEST_CASE("a clock that is not plausible leaves a fresh buffer numbering from 1",
          "[store][seq]") {
  TempDir dir;
  auto s = store::Store::open(test::storage_in(dir), test::unset_clock);
  test::add_and_commit(*s, 1, 2);
  CHECK(test::seqs_of(s->unsent_readings(0, 10)) == std::vector<std::int64_t>{1, 2});
  CHECK(store::clock_seq_floor(kPlausibleWallMs - 1) == 0);
}

TEST_CASE("a buffer that gave seqs keeps its numbering whatever the clock says", "[store][seq]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  test::add_and_commit(*test::open_store(opts), 1, 3);
  auto s = store::Store::open(opts, at_t0);
  test::add_and_commit(*s, 4, 4);
  CHECK(test::seqs_of(s->unsent_readings(0, 10)) == std::vector<std::int64_t>{1, 2, 3, 4});
}

TEST_CASE("after the state folder was lost the new buffer's seqs exceed every seq given before",
          "[store][seq]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  opts.path = dir.file("state/buffer.db");
  fs::create_directory(dir.file("state"));
  std::int64_t newest = 0;
  {
    auto s = store::Store::open(opts, at_t0);
    test::add_and_commit(*s, 1, 5000);
    newest = s->unsent_readings(0, 10000).back().seq;
  }
  fs::remove_all(dir.file("state"));  // by hand, or a purge and reinstall
  fs::create_directory(dir.file("state"));
  auto s = store::Store::open(opts, one_second_later);
  test::add_and_commit(*s, 1, 1);
  CHECK(s->unsent_readings(0, 10).front().seq > newest);
}

TEST_CASE("a clock set back does not number below the seq mark that survived", "[store][seq]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  std::int64_t newest = 0;
  {
    auto s = store::Store::open(opts, at_t0);
    test::add_and_commit(*s, 1, 10);
    newest = s->unsent_readings(0, 100).back().seq;
  }
  fs::remove(opts.path);  // the buffer alone is lost; PATH.seq stays
  fs::remove(opts.path + "-wal");
  auto s = store::Store::open(opts, an_hour_earlier);
  test::add_and_commit(*s, 1, 1);
  CHECK(s->unsent_readings(0, 10).front().seq > newest);
}
