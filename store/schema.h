// Brings a buffer database to the schema this farmgate knows, one numbered migration per
// transaction (so a crash leaves it at a whole version), and refuses what it cannot use.
#pragma once

#include "store/sqlite.h"

namespace farmgate::store {

// Applies the missing migrations. Throws CorruptDatabase (store/corruption.h) for a database
// this farmgate must not use: a newer schema version (written by a newer farmgate), tables
// without a version (not a farmgate buffer), or a version whose tables are missing
// (half-applied). Throws SqliteError when SQLite fails.
void migrate(Db& db);

// The version migrate() brings a database to.
int latest_schema_version();

}  // namespace farmgate::store
