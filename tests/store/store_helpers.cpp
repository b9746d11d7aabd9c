#include "tests/store/store_helpers.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <stdexcept>

namespace farmgate::test {

config::Storage storage_in(const TempDir& dir, std::uint64_t max_size) {
  config::Storage s;
  s.path = dir.file("buffer.db");
  s.max_size = max_size;
  return s;
}

std::int64_t unset_clock() { return 0; }

std::unique_ptr<store::Store> open_store(const config::Storage& options) {
  return store::Store::open(options, unset_clock);
}

Reading reading_no(std::int64_t i) {
  Reading r;
  r.point = "pond1_do.do";
  r.ts_ms = kT0 + i * 1000;
  r.value = static_cast<double>(i) / 10;
  r.unit = "mg/L";
  r.quality = Quality::good;
  return r;
}

std::vector<std::int64_t> seqs_of(const std::vector<store::StoredReading>& rs) {
  std::vector<std::int64_t> out;
  for (const auto& r : rs) out.push_back(r.seq);
  return out;
}

std::vector<std::int64_t> seqs_of(const std::vector<store::StoredEvent>& es) {
  std::vector<std::int64_t> out;
  for (const auto& e : es) out.push_back(e.seq);
  return out;
}

void add_and_commit(store::Store& s, std::int64_t first, std::int64_t last) {
  for (std::int64_t i = first; i <= last; ++i) s.add(reading_no(i));
  REQUIRE(s.commit());
}

std::string query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + path);
  }
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    std::string err = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(sql + ": " + err);
  }
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

}  // namespace farmgate::test
