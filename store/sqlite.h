// A thin RAII layer over the SQLite C API for the store: one connection, prepared statements
// that are reused (bind, step, reset), and errors as one exception type carrying SQLite's
// primary result code so callers can tell "this file is not a database" from "disk full".
// Not thread-safe (the store lives on one thread).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace farmgate::store {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }  // primary result code (SQLITE_FULL, SQLITE_NOTADB, ...)
  bool means_corrupt() const;         // SQLITE_NOTADB or SQLITE_CORRUPT

 private:
  int code_;
};

class Db {
 public:
  // Opens (creating) the file read-write. SQLite opens lazily: a bad file shows at first use.
  explicit Db(const std::string& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  void exec(const std::string& sql);
  // The first column of the first row of `sql`, as text (nullopt when no row).
  std::optional<std::string> query_text(const std::string& sql);
  std::int64_t query_int(const std::string& sql);  // 0 when no row
  [[noreturn]] void fail(int rc, const std::string& doing) const;
  // Closing will neither checkpoint nor delete the -wal: a file about to be moved aside
  // keeps its WAL (and -shm) as they were, for a post-mortem.
  void keep_wal_on_close();

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Stmt {
 public:
  Stmt(Db& db, const std::string& sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int i, std::int64_t v);
  Stmt& bind(int i, double v);
  Stmt& bind(int i, const std::string& v);
  Stmt& bind_null(int i);
  bool step();   // true: a row is ready; false: done. Throws SqliteError.
  void run();    // step to completion, then reset
  void reset();  // ready for new bindings (also clears them)

  std::int64_t int64(int col) const;
  std::optional<double> real(int col) const;  // nullopt for NULL
  std::string text(int col) const;            // "" for NULL

 private:
  Db& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back in the destructor unless commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Db& db);
  ~Transaction();
  void commit();

 private:
  Db& db_;
  bool done_ = false;
};

}  // namespace farmgate::store
