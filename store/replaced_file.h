// A buffer file deleted or replaced under the running store (spec §7): by hand, by a purge
// and reinstall, by a restore of an old copy. SQLite would go on writing into the deleted (or
// renamed) inode and every commit would be lost at the next start; a restored old copy would
// give its seqs a second time. So the store checks at every commit and, when the file at the
// path is no longer the one it has open, replaces it with a fresh file that carries on.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "store/sqlite.h"

namespace farmgate::store {

// True when the path `db` was opened with now names another file or none (SQLite's
// SQLITE_FCNTL_HAS_MOVED: the path's inode against the open file's).
bool file_moved(Db& db);

struct ReplacedFile {
  std::unique_ptr<Db> db;  // the fresh file, open, checked, migrated
  std::string message;     // for the `storage` fault event and the log
};

// REQUIRES file_moved(old). Moves whatever is at PATH, PATH-wal and PATH-shm aside as
// PATH.replaced-<UTC time> (never deleted: it may be someone's data), re-creates PATH's
// folder when it is gone, makes a fresh buffer at PATH and copies into it, from the open
// (deleted or renamed) file: every unsent reading and event with its seq, the points and the
// counters. The fresh file's seqs continue above max(reading_floor | event_floor, every seq
// the old file gave). Afterwards `old` closes without checkpointing or deleting any file by
// name (those names belong to the fresh file now). Throws std::runtime_error (nothing at
// PATH is kept half-made) when a step fails; the caller retries at its next commit.
ReplacedFile replace_moved_file(Db& old, const std::string& path, std::int64_t reading_floor,
                                std::int64_t event_floor, std::int64_t now_ms);

}  // namespace farmgate::store
