// Recorded readings for `farmgate replay`, read from a buffer database opened read-only: a
// running daemon may own the file (WAL lets both work), and replay must never change it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/reading.h"

namespace farmgate::store {

// The newest reading's ts_ms, or nothing in an empty buffer. Throws std::runtime_error when
// the file cannot be opened read-only or is not a farmgate buffer.
std::optional<std::int64_t> newest_recorded_ts(const std::string& db_path);
// Readings with from_ms <= ts < to_ms, sent or not, in ts order. Throws like the above.
std::vector<Reading> read_recorded(const std::string& db_path, std::int64_t from_ms,
                                   std::int64_t to_ms);

}  // namespace farmgate::store
