#include "store/open_checked.h"

#include <stdexcept>

#include "store/corruption.h"
#include "store/schema.h"

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

}  // namespace

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

}  // namespace farmgate::store
