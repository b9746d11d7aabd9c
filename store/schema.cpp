#include "store/schema.h"

#include <string>

#include "store/corruption.h"
#include "store/migrations.h"

namespace farmgate::store {
namespace {

const char* const kTables[] = {"meta", "points", "readings", "events"};

bool has_table(Db& db, const std::string& name) {
  Stmt s(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  s.bind(1, name);
  return s.step();
}

}  // namespace

int latest_schema_version() { return static_cast<int>(migrations().size()); }

void migrate(Db& db) {
  const int latest = latest_schema_version();
  const auto version = static_cast<int>(db.query_int("PRAGMA user_version"));
  if (version > latest) {
    throw CorruptDatabase("schema version " + std::to_string(version) +
                          " is newer than this farmgate knows (" + std::to_string(latest) +
                          "): written by a newer farmgate");
  }
  if (version == 0 && db.query_int("SELECT count(*) FROM sqlite_master") > 0)
    throw CorruptDatabase("not a farmgate buffer (tables but no schema version)");

  for (const auto& m : migrations()) {
    if (m.version <= version) continue;
    Transaction tx(db);
    db.exec(m.sql);
    db.exec("PRAGMA user_version = " + std::to_string(m.version));
    tx.commit();
  }
  for (const char* t : kTables) {
    if (!has_table(db, t))
      throw CorruptDatabase("schema version " + std::to_string(latest) + " without table " + t +
                            " (half-applied migration)");
  }
}

}  // namespace farmgate::store
