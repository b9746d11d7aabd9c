// The schema migrations, numbered like Neuron's persistence/NNNN_*.sql: store/migrations/
// NNNN_<what>.sql files embedded in the binary at build time (CMake generates the list).
// Migration N brings a database from PRAGMA user_version N-1 to N; a released file is never
// edited, a change is a new file.
#pragma once

#include <vector>

namespace farmgate::store {

struct Migration {
  int version;       // from the file name's NNNN prefix
  const char* name;  // the file name, for messages
  const char* sql;
};

// In version order. Throws std::logic_error if the embedded files are not numbered 1..N.
const std::vector<Migration>& migrations();

}  // namespace farmgate::store
