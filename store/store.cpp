// Store::open: get a healthy, migrated database at options.path, replacing a corrupt one.
#include <memory>
#include <stdexcept>

#include "common/clock.h"
#include "common/log.h"
#include "store/corruption.h"
#include "store/schema.h"
#include "store/sqlite_store.h"

namespace farmgate::store {
namespace {

// The settings every connection needs. WAL + synchronous=FULL: a commit is durable once
// commit() returns, and a crash at any moment leaves the last committed state.
void configure(Db& db) {
  db.exec("PRAGMA busy_timeout = 5000");
  if (db.query_text("PRAGMA journal_mode = WAL").value_or("") != "wal")
    throw std::runtime_error(db.path() + ": cannot switch to WAL journal mode");
  db.exec("PRAGMA synchronous = FULL");
  // After a checkpoint the WAL is cut back to this, so it does not keep a burst's size.
  db.exec("PRAGMA journal_size_limit = 4194304");
}

// Opens, checks and migrates. Throws CorruptDatabase for a file to move aside, and
// std::runtime_error when no database can be had here at all.
std::unique_ptr<Db> open_checked(const std::string& path) {
  std::unique_ptr<Db> db;
  try {
    db = std::make_unique<Db>(path);
    db->query_int("PRAGMA user_version");  // reads the header: "not a database" shows here
    check_integrity(*db);
    configure(*db);
    migrate(*db);
    return db;
  } catch (const SqliteError& e) {
    if (!e.means_corrupt()) {
      throw std::runtime_error("cannot open the buffer " + path + " (is its folder there and " +
                               "writable, is the disk full?): " + e.what());
    }
    if (db) db->keep_wal_on_close();
    throw CorruptDatabase(e.what());
  } catch (const CorruptDatabase&) {
    if (db) db->keep_wal_on_close();
    throw;
  }
}

}  // namespace

std::unique_ptr<Store> Store::open(const config::Storage& options) {
  SeqReservation seqs(options.path + ".seq");
  std::optional<Event> fault;
  std::unique_ptr<Db> db;
  try {
    db = open_checked(options.path);
  } catch (const CorruptDatabase& e) {
    db.reset();
    const std::int64_t now = wall_ms();
    const std::string aside = move_aside(options.path, now);
    const std::string message = "buffer " + options.path + " was corrupt (" + e.what() +
                                "); moved aside as " + aside + ", started a fresh one";
    log::error("store: ", message);
    fault = fault_event(now, "storage", message);
    try {
      db = open_checked(options.path);
    } catch (const CorruptDatabase& again) {
      throw std::runtime_error("cannot create a fresh buffer " + options.path + ": " +
                               again.what());
    }
  }
  try {
    return std::make_unique<SqliteStore>(std::move(db), options, std::move(seqs), std::move(fault));
  } catch (const SqliteError& e) {
    throw std::runtime_error("cannot use the buffer " + options.path + ": " + e.what());
  }
}

}  // namespace farmgate::store
