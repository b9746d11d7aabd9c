#include "store/size_cap.h"

#include <sqlite3.h>

#include <algorithm>

namespace farmgate::store {
namespace {

// A reading takes more than this on disk (row + one index entry; README: about 45), so
// deleting over/kMinRowBytes rows per round frees at least `over` bytes in one or two rounds.
constexpr std::int64_t kMinRowBytes = 32;
constexpr std::int64_t kMinBatch = 64;
constexpr int kMaxRounds = 1000;  // a guard: each round deletes rows or stops

std::int64_t single(Stmt& s) {
  std::int64_t v = s.step() ? s.int64(0) : 0;
  s.reset();
  return v;
}

}  // namespace

SizeCap::SizeCap(Db& db)
    : db_(db),
      page_count_(db, "PRAGMA page_count"),
      freelist_count_(db, "PRAGMA freelist_count"),
      page_size_(db, "PRAGMA page_size"),
      drop_sent_(db,
                 "DELETE FROM readings WHERE seq IN (SELECT seq FROM readings INDEXED BY "
                 "readings_sent_by_ts WHERE sent = 1 ORDER BY ts_ms LIMIT ?)"),
      drop_unsent_(db,
                   "DELETE FROM readings WHERE seq IN (SELECT seq FROM readings INDEXED BY "
                   "readings_unsent WHERE sent = 0 ORDER BY seq LIMIT ?)"),
      prune_(db, "DELETE FROM readings WHERE sent = 1 AND ts_ms < ?") {}

std::int64_t SizeCap::used_bytes() {
  return (single(page_count_) - single(freelist_count_)) * single(page_size_);
}

std::int64_t SizeCap::enforce(std::uint64_t max_bytes) {
  const auto cap = static_cast<std::int64_t>(max_bytes);
  std::int64_t dropped_unsent = 0;
  for (int round = 0; round < kMaxRounds; ++round) {
    const std::int64_t over = used_bytes() - cap;
    if (over <= 0) break;
    const std::int64_t batch = std::max(kMinBatch, over / kMinRowBytes);
    drop_sent_.bind(1, batch).run();
    if (sqlite3_changes(db_.handle()) > 0) continue;
    drop_unsent_.bind(1, batch).run();
    const int n = sqlite3_changes(db_.handle());
    if (n == 0) break;  // nothing left to drop: events (kept) fill the cap
    dropped_unsent += n;
  }
  return dropped_unsent;
}

std::int64_t SizeCap::prune_sent(std::int64_t before_ms) {
  prune_.bind(1, before_ms).run();
  return sqlite3_changes(db_.handle());
}

}  // namespace farmgate::store
