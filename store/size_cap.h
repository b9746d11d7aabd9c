// Keeps the buffer inside storage.max_size and sent readings only for keep_sent. Runs inside
// the commit's transaction, so a crash never leaves the cap half-applied.
//
// What is measured: the pages in use, (page_count - freelist_count) * page_size. Deleted rows
// free whole pages (the oldest rows sit together in every b-tree), and SQLite reuses free
// pages before growing the file, so in steady state the main file stays at about max_size
// plus one commit's worth of pages; it never shrinks by itself (store/README.md).
#pragma once

#include <cstdint>

#include "store/sqlite.h"

namespace farmgate::store {

class SizeCap {
 public:
  explicit SizeCap(Db& db);

  std::int64_t used_bytes();
  // While used_bytes() > max_bytes: deletes sent readings first (oldest ts first, they were
  // delivered already), then the oldest unsent readings. Events are never deleted here.
  // Returns how many UNSENT readings it deleted (the caller counts them as dropped).
  std::int64_t enforce(std::uint64_t max_bytes);
  // Deletes sent readings with ts_ms < before_ms; returns how many.
  std::int64_t prune_sent(std::int64_t before_ms);

 private:
  Db& db_;
  Stmt page_count_, freelist_count_, page_size_;
  Stmt drop_sent_, drop_unsent_, prune_;
};

}  // namespace farmgate::store
