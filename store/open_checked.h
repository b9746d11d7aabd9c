// One healthy, migrated connection to the buffer file: what Store::open and the replacement of
// a file deleted under the running store (store/replaced_file.h) both need.
#pragma once

#include <memory>
#include <string>

#include "store/sqlite.h"

namespace farmgate::store {

// Opens (creating) PATH, checks it (PRAGMA quick_check), switches it to WAL with
// synchronous=FULL and migrates it. Throws CorruptDatabase (store/corruption.h) for a file to
// move aside, and std::runtime_error naming the path when no database can be had here at all
// (folder missing or read-only, disk full).
std::unique_ptr<Db> open_checked(const std::string& path);

}  // namespace farmgate::store
