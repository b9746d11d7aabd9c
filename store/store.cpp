// Store::open: get a healthy, migrated database at options.path, replacing a corrupt one.
#include <memory>
#include <stdexcept>

#include "common/clock.h"
#include "common/log.h"
#include "store/corruption.h"
#include "store/open_checked.h"
#include "store/sqlite_store.h"

namespace farmgate::store {

std::unique_ptr<Store> Store::open(const config::Storage& options, WallClock clock) {
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
    return std::make_unique<SqliteStore>(std::move(db), options, std::move(seqs), std::move(fault),
                                         clock);
  } catch (const SqliteError& e) {
    throw std::runtime_error("cannot use the buffer " + options.path + ": " + e.what());
  }
}

}  // namespace farmgate::store
