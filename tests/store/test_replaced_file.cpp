// A buffer file deleted or replaced under the open store (spec §7) is noticed at the next
// commit: a `storage` fault event, a fresh file, the unsent data carried over with their
// seqs, numbering on above the old seqs, nothing committed afterwards lost.
#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <set>

#include "common/event.h"
#include "tests/store/store_helpers.h"

using namespace farmgate;
using farmgate::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> named(const TempDir& dir, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0) out.push_back(name);
  }
  return out;
}

// The store's whole outbox after a reopen: what a restart would send.
std::vector<std::int64_t> outbox_after_reopen(const config::Storage& opts) {
  return test::seqs_of(test::open_store(opts)->unsent_readings(0, 100000));
}

std::vector<std::int64_t> range(std::int64_t first, std::int64_t last) {
  std::vector<std::int64_t> out;
  for (std::int64_t i = first; i <= last; ++i) out.push_back(i);
  return out;
}

}  // namespace

TEST_CASE("a buffer file deleted under the open store is replaced at the next commit and "
          "nothing is lost",
          "[store][replaced]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  opts.path = dir.file("state/buffer.db");
  fs::create_directory(dir.file("state"));
  auto s = test::open_store(opts);
  test::add_and_commit(*s, 1, 10);
  s->mark_readings_sent(range(1, 4));
  s->add(config_event(test::kT0, true, "before"));
  REQUIRE(s->commit());

  SECTION("the file alone (rm buffer.db)") { fs::remove(opts.path); }
  SECTION("the whole state folder (rm -r)") { fs::remove_all(dir.file("state")); }

  test::add_and_commit(*s, 11, 15);
  REQUIRE(fs::exists(opts.path));
  CHECK(test::query(opts.path, "PRAGMA integrity_check") == "ok");
  // Unsent readings 5..10 carried over with their seqs, the new ones numbered on.
  CHECK(test::seqs_of(s->unsent_readings(0, 100)) == range(5, 15));
  auto events = s->unsent_events(0, 10);
  REQUIRE(events.size() == 2);
  CHECK(events[0].seq == 1);  // "before", carried over
  CHECK(events[1].seq == 2);
  CHECK(events[1].event.type == "fault");
  CHECK(events[1].event.fields["source"] == "storage");
  CHECK(events[1].event.fields["message"].get<std::string>().find("deleted") != std::string::npos);
  CHECK(s->stats().fault == std::nullopt);  // healthy again
  s.reset();
  CHECK(outbox_after_reopen(opts) == range(5, 15));  // committed for real, to the new file
}

TEST_CASE("an old copy of the buffer restored under the open store never gives a seq twice",
          "[store][replaced]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  auto s = test::open_store(opts);
  test::add_and_commit(*s, 1, 5);
  test::query(opts.path, "VACUUM INTO '" + dir.file("backup.db") + "'");  // readings 1..5
  test::add_and_commit(*s, 6, 10);
  s->mark_readings_sent(range(1, 2));
  fs::rename(dir.file("backup.db"), opts.path);  // the restore: a whole file put in place

  test::add_and_commit(*s, 11, 12);
  // The restored copy is moved aside untouched, never numbered on from its seq 5.
  auto aside = named(dir, "buffer.db.replaced-");  // the file, its -wal and -shm
  aside.erase(std::remove_if(aside.begin(), aside.end(),
                             [](const std::string& n) {
                               const std::string tail = n.substr(n.size() - 4);
                               return tail == "-wal" || tail == "-shm";
                             }),
              aside.end());
  REQUIRE(aside.size() == 1);
  CHECK(test::query(dir.file(aside[0]), "SELECT count(*) FROM readings") == "5");
  CHECK(test::seqs_of(s->unsent_readings(0, 100)) == range(3, 12));
  auto events = s->unsent_events(0, 10);
  REQUIRE(events.size() == 1);
  CHECK(events[0].event.fields["message"].get<std::string>().find("replaced by another file") !=
        std::string::npos);
  // Each seq names one reading: the carried ones kept theirs, new ones follow.
  std::set<double> values;
  for (const auto& r : s->unsent_readings(0, 100)) values.insert(*r.reading.value);
  CHECK(values.size() == 10);
  s.reset();
  CHECK(outbox_after_reopen(opts) == range(3, 12));
}

TEST_CASE("a buffer replaced twice keeps numbering on", "[store][replaced]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  auto s = test::open_store(opts);
  test::add_and_commit(*s, 1, 3);
  fs::remove(opts.path);
  test::add_and_commit(*s, 4, 6);
  fs::remove(opts.path);
  fs::remove(opts.path + "-wal");
  fs::remove(opts.path + "-shm");
  test::add_and_commit(*s, 7, 9);
  CHECK(test::seqs_of(s->unsent_readings(0, 100)) == range(1, 9));
  CHECK(s->unsent_events(0, 10).size() == 2);
}

TEST_CASE("a buffer whose folder cannot be re-created is a fault until it can",
          "[store][replaced]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  opts.path = dir.file("state/buffer.db");
  fs::create_directory(dir.file("state"));
  auto s = test::open_store(opts);
  test::add_and_commit(*s, 1, 3);
  fs::remove_all(dir.file("state"));
  dir.write("state", "a file where the folder was");

  s->add(test::reading_no(4));
  CHECK_FALSE(s->commit());
  auto fault = s->stats().fault;
  REQUIRE(fault);
  CHECK(fault->message.find("deleted") != std::string::npos);
  CHECK(fault->since_ms > 0);

  fs::remove(dir.file("state"));
  s->add(test::reading_no(5));
  REQUIRE(s->commit());
  CHECK(test::seqs_of(s->unsent_readings(0, 100)) == range(1, 5));
  CHECK(s->stats().fault == std::nullopt);
}
