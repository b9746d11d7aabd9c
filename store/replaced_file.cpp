#include "store/replaced_file.h"

#include <sqlite3.h>

#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "store/corruption.h"
#include "store/open_checked.h"

namespace farmgate::store {
namespace {

namespace fs = std::filesystem;

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::symlink_status(path, ec).type() != fs::file_type::not_found && !ec;
}

// Removes a fresh file that could not be filled, so the next attempt starts clean (it holds
// nothing: its copy was rolled back).
void remove_fresh(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix, ec);
}

// Copies the old file's unsent data into the fresh one, attached to `old` as "fresh", in one
// transaction. Returns the number of readings and events carried over.
std::pair<std::int64_t, std::int64_t> carry_over(Db& old, std::int64_t reading_floor,
                                                 std::int64_t event_floor) {
  Transaction tx(old);
  old.exec("INSERT INTO fresh.points SELECT * FROM main.points");
  old.exec("INSERT INTO fresh.readings SELECT * FROM main.readings WHERE sent = 0");
  old.exec("INSERT INTO fresh.events SELECT * FROM main.events");
  old.exec("INSERT OR REPLACE INTO fresh.meta SELECT * FROM main.meta");
  old.exec("DELETE FROM fresh.sqlite_sequence");
  Stmt seq(old,
           "INSERT INTO fresh.sqlite_sequence (name, seq) SELECT ?1, max(?2, coalesce((SELECT seq "
           "FROM main.sqlite_sequence WHERE name = ?1), 0), coalesce((SELECT max(seq) FROM "
           "fresh.readings WHERE ?1 = 'readings'), 0), coalesce((SELECT max(seq) FROM "
           "fresh.events WHERE ?1 = 'events'), 0))");
  seq.bind(1, std::string("readings")).bind(2, reading_floor).run();
  seq.bind(1, std::string("events")).bind(2, event_floor).run();
  const auto readings = old.query_int("SELECT count(*) FROM fresh.readings");
  const auto events = old.query_int("SELECT count(*) FROM fresh.events");
  tx.commit();
  return {readings, events};
}

}  // namespace

bool file_moved(Db& db) {
  int moved = 0;
  if (sqlite3_file_control(db.handle(), "main", SQLITE_FCNTL_HAS_MOVED, &moved) != SQLITE_OK)
    return false;
  return moved != 0;
}

ReplacedFile replace_moved_file(Db& old, const std::string& path, std::int64_t reading_floor,
                                std::int64_t event_floor, std::int64_t now_ms) {
  // A renamed-away file gets its WAL's commits (best effort: a deleted one needs nothing).
  // Then the old connection must never again touch a file by name: SQLite deletes "PATH-wal"
  // and "PATH-shm" by name on close, which would be the fresh file's.
  try {
    old.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (const SqliteError&) {
  }
  old.keep_wal_on_close();

  const bool replaced = exists(path);
  std::string what = "was deleted under the running daemon";
  if (replaced || exists(path + "-wal") || exists(path + "-shm")) {
    const std::string aside = move_aside(path, now_ms, "replaced");
    if (replaced) what = "was replaced by another file (moved aside as " + aside + ")";
  }
  const fs::path folder = fs::path(path).parent_path();
  if (!folder.empty()) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec)
      throw std::runtime_error("buffer " + path + " " + what + "; cannot re-create its folder " +
                               folder.string() + ": " + ec.message());
  }

  ReplacedFile out;
  std::pair<std::int64_t, std::int64_t> carried;
  try {
    out.db = open_checked(path);
    Stmt(old, "ATTACH DATABASE ? AS fresh").bind(1, path).run();
    try {
      carried = carry_over(old, reading_floor, event_floor);
    } catch (...) {
      old.exec("DETACH DATABASE fresh");
      throw;
    }
    old.exec("DETACH DATABASE fresh");
  } catch (const std::exception& e) {
    out.db.reset();
    remove_fresh(path);
    throw std::runtime_error("buffer " + path + " " + what + "; cannot make a fresh one: " +
                             e.what());
  }
  out.message = "buffer " + path + " " + what + "; started a fresh one with the " +
                std::to_string(carried.first) + " unsent readings and " +
                std::to_string(carried.second) +
                " events of the old one, numbering on above its seqs";
  return out;
}

}  // namespace farmgate::store
