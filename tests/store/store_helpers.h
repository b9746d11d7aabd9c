// Shared by the store tests: options for a buffer in a TempDir, readings with known
// timestamps, and a second, independent SQLite connection to look at the file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/reading.h"
#include "config/config.h"
#include "store/store.h"
#include "tests/support/temp_dir.h"

namespace farmgate::test {

constexpr std::int64_t kT0 = 1764320400000;  // 2025-11-28, a plausible wall clock

config::Storage storage_in(const TempDir& dir, std::uint64_t max_size = 256ull << 20);
// Store::open with a wall clock that is not plausible (never set), so a fresh buffer numbers
// from 1 (or from its seq mark) and tests can name seqs; test_seq_floor.cpp tests the clock.
std::unique_ptr<store::Store> open_store(const config::Storage& options);
std::int64_t unset_clock();
// Point "pond1_do.do" in mg/L, good, value i / 10, at kT0 + i seconds.
Reading reading_no(std::int64_t i);
std::vector<std::int64_t> seqs_of(const std::vector<store::StoredReading>& rs);
std::vector<std::int64_t> seqs_of(const std::vector<store::StoredEvent>& es);
// Adds readings first..last (reading_no) and commits; REQUIREs the commit to succeed.
void add_and_commit(store::Store& s, std::int64_t first, std::int64_t last);

// The first column of the first row of `sql` on its own read-only connection to `path`.
std::string query(const std::string& path, const std::string& sql);

}  // namespace farmgate::test
