// Figure 3, store ingest: readings/s committed through store::Store (WAL, synchronous=FULL,
// add() N then commit(), as the daemon does every commit_interval) against a bare sqlite3
// bulk insert of the same rows into the same schema (every store/migrations/*.sql), one
// transaction, one prepared statement, the same pragmas.
//
// Group size: 1000 readings per commit is the daemon at 100 devices x 10 points at 1 Hz with
// commit_interval 1 s (each commit pays an fsync); 10000 is a busier gateway.
#include <sqlite3.h>

#include <cstdio>
#include <stdexcept>
#include <string>

#include "bench/report.h"
#include "store/migrations.h"
#include "store/store.h"
#include "tests/support/temp_dir.h"

using namespace farmgate;

namespace {

constexpr int kPoints = 1000;

Reading reading(long i) {
  Reading r;
  r.point = "dev" + std::to_string((i % kPoints) / 10) + ".p" + std::to_string(i % 10);
  r.ts_ms = 1764000000000 + i;
  r.value = 20.0 + static_cast<double>(i % 97) * 0.1;
  r.unit = "°C";
  r.quality = Quality::good;
  return r;
}

double store_rate(const std::string& path, long total, long group) {
  config::Storage opt;
  opt.path = path;
  opt.max_size = 4ull << 30;
  auto store = store::Store::open(opt);
  // Warm the points table (first sight of a point inserts its row) outside the timing.
  for (long i = 0; i < kPoints; ++i) store->add(reading(i));
  store->commit();
  auto t0 = std::chrono::steady_clock::now();
  double in_commit = 0;
  for (long done = 0; done < total;) {
    for (long k = 0; k < group && done < total; ++k, ++done) store->add(reading(done));
    auto c0 = std::chrono::steady_clock::now();
    if (!store->commit()) throw std::runtime_error("commit failed");
    in_commit += bench::seconds_since(c0);
  }
  const double s = bench::seconds_since(t0);
  std::fprintf(stderr, "store_ingest: group %ld: %.3f s, of which commit() %.3f s\n", group, s,
               in_commit);
  if (store->stats().unsent != total + kPoints) throw std::runtime_error("rows missing");
  return static_cast<double>(total) / s;
}

void exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string e = err ? err : "?";
    sqlite3_free(err);
    throw std::runtime_error(sql.substr(0, 60) + ": " + e);
  }
}

double bare_rate(const std::string& path, long total) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) throw std::runtime_error("open");
  exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
           "PRAGMA journal_size_limit = 4194304;");
  for (const auto& m : store::migrations()) exec(db, m.sql);  // the store's schema, all of it
  exec(db, "BEGIN");
  for (int p = 0; p < kPoints; ++p)
    exec(db, "INSERT INTO points (id, name, unit, boolean) VALUES (" + std::to_string(p + 1) +
                 ", '" + reading(p).point + "', '°C', 0)");
  exec(db, "COMMIT");
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO readings (point, ts_ms, value, quality, error) "
                     "VALUES (?, ?, ?, ?, NULL)",
                     -1, &st, nullptr);
  auto t0 = std::chrono::steady_clock::now();
  exec(db, "BEGIN");
  for (long i = 0; i < total; ++i) {
    const Reading r = reading(i);  // the same rows, built the same way
    sqlite3_bind_int64(st, 1, i % kPoints + 1);
    sqlite3_bind_int64(st, 2, r.ts_ms);
    sqlite3_bind_double(st, 3, *r.value);
    sqlite3_bind_int(st, 4, 0);
    if (sqlite3_step(st) != SQLITE_DONE) throw std::runtime_error("insert");
    sqlite3_reset(st);
  }
  exec(db, "COMMIT");
  const double s = bench::seconds_since(t0);
  std::fprintf(stderr, "store_ingest: bare: %.3f s\n", s);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return static_cast<double>(total) / s;
}

}  // namespace

int main(int argc, char** argv) {
  const long total = bench::quick(argc, argv) ? 200000 : 1000000;
  test::TempDir dir("farmgate-bench");
  const double bare = bare_rate(dir.file("bare.db"), total);
  const double g1k = store_rate(dir.file("store1k.db"), total, 1000);
  const double g10k = store_rate(dir.file("store10k.db"), total, 10000);
  bench::report("store_ingest_group1000", g1k, "readings/s", bare);
  bench::report("store_ingest_group10000", g10k, "readings/s", bare);
  return 0;
}
