// Schema migrations: a buffer written by an older farmgate is brought up to date in place,
// keeping every reading, sent or not, and every seq.
#include <catch2/catch.hpp>
#include <chrono>

#include "store/sqlite.h"
#include "store/migrations.h"
#include "store/schema.h"
#include "tests/store/store_helpers.h"

using namespace farmgate;
using farmgate::test::TempDir;

TEST_CASE("a schema 1 buffer is migrated in place: readings, sent marks and seqs kept", "[store]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  {
    // What farmgate with schema 1 left behind: 1..10 stored, 1..4 delivered, all recent
    // (older sent readings would be pruned by keep_sent).
    const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
    store::Db db(opts.path);
    db.exec(store::migrations().at(0).sql);
    db.exec("PRAGMA user_version = 1");
    db.exec("INSERT INTO points (id, name, unit, boolean) VALUES (1, 'pond1_do.do', 'mg/L', 0)");
    for (int i = 1; i <= 10; ++i) {
      db.exec("INSERT INTO readings (point, ts_ms, value, quality, sent) VALUES (1, " +
              std::to_string(now_ms - 60000 + i * 1000) + ", " + std::to_string(i / 10.0) + ", 0, " +
              (i <= 4 ? "1" : "0") + ")");
    }
  }
  auto s = test::open_store(opts);
  CHECK(test::query(opts.path, "PRAGMA user_version") ==
        std::to_string(store::latest_schema_version()));
  CHECK(test::query(opts.path, "SELECT count(*) FROM sqlite_master WHERE name = "
                               "'readings_sent_by_ts'") == "1");
  CHECK(test::query(opts.path, "SELECT count(*) FROM sqlite_master WHERE name = "
                               "'readings_by_sent_ts'") == "0");
  auto unsent = s->unsent_readings(0, 100);
  CHECK(test::seqs_of(unsent) == std::vector<std::int64_t>{5, 6, 7, 8, 9, 10});
  CHECK(unsent.front().reading.point == "pond1_do.do");
  CHECK(s->stats().unsent == 6);
  // New readings continue above the old seqs, and marking uses the new index.
  test::add_and_commit(*s, 11, 12);
  auto all = s->unsent_readings(0, 100);
  CHECK(all.back().seq > 10);
  s->mark_readings_sent(test::seqs_of(all));
  CHECK(s->stats().unsent == 0);
  CHECK(test::query(opts.path, "SELECT count(*) FROM readings INDEXED BY readings_sent_by_ts "
                               "WHERE sent = 1") == "12");
}
