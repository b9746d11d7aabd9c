#include "store/recorded.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <memory>
#include <stdexcept>

namespace farmgate::store {
namespace {

struct Closer {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using DbPtr = std::unique_ptr<sqlite3, Closer>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, Closer>;

// A buffer no daemon has open has no -wal beside it (the last connection checkpointed and
// removed it): it is opened immutable, so reading it creates no -wal/-shm next to it and
// works on a read-only copy too. With a -wal present (the daemon running, or killed) the WAL
// holds the newest readings and must be read the ordinary way.
std::string uri_for_reading(const std::string& path, int* flags) {
  struct stat st {};
  if (::stat((path + "-wal").c_str(), &st) == 0) return path;
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      const char* hex = "0123456789ABCDEF";
      uri += '%';
      uri += hex[(c >> 4) & 0xF];
      uri += hex[c & 0xF];
    } else {
      uri += c;
    }
  }
  *flags |= SQLITE_OPEN_URI;
  return uri + "?immutable=1";
}

DbPtr open_readonly(const std::string& path) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READONLY;
  const std::string name = uri_for_reading(path, &flags);
  int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK)
    throw std::runtime_error("cannot open " + path + ": " + (raw ? sqlite3_errmsg(raw) : "out of memory"));
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

StmtPtr prepare(sqlite3* db, const std::string& path, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK)
    throw std::runtime_error(path + " is not a farmgate buffer: " + sqlite3_errmsg(db));
  return StmtPtr(raw);
}

const char* text(sqlite3_stmt* s, int col) {
  const unsigned char* t = sqlite3_column_text(s, col);
  return t ? reinterpret_cast<const char*>(t) : "";
}

}  // namespace

std::optional<std::int64_t> newest_recorded_ts(const std::string& db_path) {
  DbPtr db = open_readonly(db_path);
  StmtPtr q = prepare(db.get(), db_path, "SELECT max(ts_ms) FROM readings");
  if (sqlite3_step(q.get()) != SQLITE_ROW || sqlite3_column_type(q.get(), 0) == SQLITE_NULL)
    return std::nullopt;
  return sqlite3_column_int64(q.get(), 0);
}

std::vector<Reading> read_recorded(const std::string& db_path, std::int64_t from_ms,
                                   std::int64_t to_ms) {
  DbPtr db = open_readonly(db_path);
  StmtPtr q = prepare(db.get(), db_path,
                      "SELECT p.name, r.ts_ms, r.value, p.boolean, p.unit, r.quality, r.error "
                      "FROM readings r JOIN points p ON p.id = r.point "
                      "WHERE r.ts_ms >= ?1 AND r.ts_ms < ?2 ORDER BY r.ts_ms, r.seq");
  sqlite3_bind_int64(q.get(), 1, from_ms);
  sqlite3_bind_int64(q.get(), 2, to_ms);
  std::vector<Reading> out;
  int rc;
  while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
    Reading r;
    r.point = text(q.get(), 0);
    r.ts_ms = sqlite3_column_int64(q.get(), 1);
    if (sqlite3_column_type(q.get(), 2) != SQLITE_NULL) r.value = sqlite3_column_double(q.get(), 2);
    r.boolean = sqlite3_column_int(q.get(), 3) != 0;
    r.unit = text(q.get(), 4);
    const int quality = sqlite3_column_int(q.get(), 5);
    r.quality = quality == 0 ? Quality::good : quality == 1 ? Quality::bad : Quality::error;
    r.error = text(q.get(), 6);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE)
    throw std::runtime_error("reading " + db_path + ": " + sqlite3_errmsg(db.get()));
  return out;
}

}  // namespace farmgate::store
