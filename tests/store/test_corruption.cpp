// A corrupt buffer at start (spec §6): moved aside as PATH.corrupt-<UTC>, a fresh one made,
// a storage fault event first, and seqs still above every seq given before.
#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>

#include "common/event.h"
#include "store/corruption.h"
#include "tests/store/store_helpers.h"

using namespace farmgate;
using farmgate::test::TempDir;
namespace fs = std::filesystem;

namespace {

// Files in dir whose name starts with "buffer.db.corrupt-" (with_wal: their -wal/-shm too).
std::vector<std::string> moved_aside(const TempDir& dir, bool with_wal = false) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    std::string name = e.path().filename().string();
    const bool wal = name.size() > 4 && (name.substr(name.size() - 4) == "-wal" ||
                                         name.substr(name.size() - 4) == "-shm");
    if (name.rfind("buffer.db.corrupt-", 0) == 0 && (with_wal || !wal)) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A real buffer holding readings 1..n, closed cleanly.
void make_buffer(const config::Storage& opts, std::int64_t n) {
  auto s = test::open_store(opts);
  for (std::int64_t i = 1; i <= n; i += 1000) test::add_and_commit(*s, i, std::min(n, i + 999));
}

void check_replaced(const TempDir& dir, const config::Storage& opts, std::int64_t old_last) {
  auto s = test::open_store(opts);
  auto aside = moved_aside(dir);
  REQUIRE(aside.size() == 1);
  CHECK(std::regex_match(aside[0], std::regex(R"(buffer\.db\.corrupt-\d{8}T\d{6}Z)")));
  test::add_and_commit(*s, 1, 1);
  auto events = s->unsent_events(0, 10);
  REQUIRE(events.size() == 1);
  CHECK(events[0].event.type == "fault");
  CHECK(events[0].event.fields["source"] == "storage");
  const std::string msg = events[0].event.fields["message"];
  CHECK(msg.find(aside[0]) != std::string::npos);
  CHECK(events[0].seq > old_last);
  auto readings = s->unsent_readings(0, 10);
  REQUIRE(readings.size() == 1);
  CHECK(readings[0].seq > old_last);
  CHECK(test::query(opts.path, "PRAGMA integrity_check") == "ok");
}

}  // namespace

TEST_CASE("a buffer overwritten with garbage is moved aside and a fresh one started", "[store]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  make_buffer(opts, 10);
  dir.write("buffer.db", std::string(8192, '\x5a'));
  check_replaced(dir, opts, 10);
}

TEST_CASE("a truncated database is moved aside and a fresh one started", "[store]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  make_buffer(opts, 20000);
  const auto size = fs::file_size(opts.path);
  REQUIRE(size > 100000);
  fs::resize_file(opts.path, size / 2);
  check_replaced(dir, opts, 20000);
}

TEST_CASE("the -wal and -shm of a corrupt buffer move aside with it", "[store]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  dir.write("buffer.db", std::string(8192, '\x17'));  // a page or more: SQLite keeps the wal
  dir.write("buffer.db-wal", "stale wal");
  dir.write("buffer.db-shm", "stale shm");
  auto s = test::open_store(opts);
  auto aside = moved_aside(dir, true);
  REQUIRE(aside.size() == 3);
  CHECK(aside[1] == aside[0] + "-shm");
  CHECK(aside[2] == aside[0] + "-wal");
  CHECK(test::read_file(dir.file(aside[2])) == "stale wal");
}

TEST_CASE("a buffer written by a newer farmgate is moved aside, not used", "[store]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  make_buffer(opts, 3);
  {
    store::Db db(opts.path);
    db.exec("PRAGMA user_version = 999");
  }
  check_replaced(dir, opts, 3);
  auto s = test::open_store(opts);
  CHECK(s->unsent_events(0, 10)[0].event.fields["message"].get<std::string>().find("newer") !=
        std::string::npos);
}

TEST_CASE("a SQLite file that is not a farmgate buffer is moved aside", "[store]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  {
    store::Db db(opts.path);
    db.exec("CREATE TABLE other (x)");
  }
  check_replaced(dir, opts, 0);
}

TEST_CASE("a half-applied schema is treated as corrupt", "[store]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  make_buffer(opts, 3);
  {
    store::Db db(opts.path);
    db.exec("DROP TABLE events");
  }
  check_replaced(dir, opts, 3);
}

TEST_CASE("a corrupt file's new name is PATH.corrupt-<UTC time>", "[store]") {
  // 2026-11-28 21:30:00 UTC
  CHECK(store::corrupt_name("/var/lib/farmgate/buffer.db", 1795901400000) ==
        "/var/lib/farmgate/buffer.db.corrupt-20261128T213000Z");
}
