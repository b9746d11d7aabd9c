// A buffer that is not a healthy farmgate database: how it is recognised, and how it is moved
// aside (kept for a post-mortem, never deleted) so the gateway can go on with a fresh one.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "store/sqlite.h"

namespace farmgate::store {

class CorruptDatabase : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// PRAGMA quick_check (every page and b-tree, not index-vs-table contents: a full
// integrity_check reads as much but costs minutes on a big file on an SD card). Throws
// CorruptDatabase with SQLite's first complaint; SqliteError (means_corrupt()) when the file
// is not a database at all.
void check_integrity(Db& db);

// PATH.corrupt-YYYYMMDDTHHMMSSZ for the UTC time now_ms (`why` replaces "corrupt": a file
// found in place of the open buffer is PATH.replaced-..., store/replaced_file.h).
std::string corrupt_name(const std::string& path, std::int64_t now_ms,
                         const std::string& why = "corrupt");

// Renames PATH, PATH-wal and PATH-shm (those that exist) to corrupt_name(...)[-wal|-shm]
// (with -2, -3... appended when that name is taken). Returns the new name of PATH. Throws
// std::runtime_error when a rename fails.
std::string move_aside(const std::string& path, std::int64_t now_ms,
                       const std::string& why = "corrupt");

}  // namespace farmgate::store
