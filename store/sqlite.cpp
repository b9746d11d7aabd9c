#include "store/sqlite.h"

#include <sqlite3.h>

namespace farmgate::store {

bool SqliteError::means_corrupt() const {
  return code_ == SQLITE_NOTADB || code_ == SQLITE_CORRUPT;
}

namespace {

// SQLite's memory statistics (on by default in Debian's build) take a global mutex around
// every allocation; farmgate never reads them. Set before the library initialises, that is
// before the process's first connection; sqlite3_config refuses it afterwards (harmless).
void configure_sqlite_once() {
  static const bool done = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)done;
}

}  // namespace

Db::Db(const std::string& path) : path_(path) {
  configure_sqlite_once();
  // NOMUTEX: a connection is used by one thread (see sqlite.h), so SQLite's serialized mode
  // only added a mutex lock and unlock to every call: 9 % of the daemon loop's time when it
  // stores 200 k readings a second (docs/performance.md, figure 9).
  int rc = sqlite3_open_v2(path.c_str(), &db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError(rc & 0xff, "cannot open " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 0);
}

Db::~Db() { sqlite3_close_v2(db_); }

void Db::fail(int rc, const std::string& doing) const {
  throw SqliteError(rc & 0xff, path_ + ": " + doing + ": " + sqlite3_errmsg(db_));
}

void Db::keep_wal_on_close() {
  sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
}

void Db::exec(const std::string& sql) {
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(rc, sql.substr(0, 60));
}

std::optional<std::string> Db::query_text(const std::string& sql) {
  Stmt s(*this, sql);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

std::int64_t Db::query_int(const std::string& sql) {
  Stmt s(*this, sql);
  return s.step() ? s.int64(0) : 0;
}

Stmt::Stmt(Db& db, const std::string& sql) : db_(db) {
  int rc =
      sqlite3_prepare_v3(db.handle(), sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) db.fail(rc, "prepare " + sql.substr(0, 60));
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

Stmt& Stmt::bind(int i, std::int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Stmt& Stmt::bind(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Stmt& Stmt::bind(int i, const std::string& v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::bind_null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

bool Stmt::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // Reset first so the statement is reusable and the error is the step's own.
  reset();
  db_.fail(rc, std::string("step ") + sqlite3_sql(stmt_));
}

void Stmt::run() {
  while (step()) {
  }
  reset();
}

void Stmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Stmt::int64(int col) const { return sqlite3_column_int64(stmt_, col); }

std::optional<double> Stmt::real(int col) const {
  if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_double(stmt_, col);
}

std::string Stmt::text(int col) const {
  auto* p = sqlite3_column_text(stmt_, col);
  if (!p) return "";
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

Transaction::Transaction(Db& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace farmgate::store
