// The seq high-water mark kept beside the database (PATH.seq): a promise, made durable before
// any seq past it is committed, that no seq above the mark has been given. A fresh database
// (first start, or a corrupt one replaced) starts numbering above it, so the platform never
// sees one seq for two readings. Blocks of kSeqBlock are reserved ahead, so the file is
// written (and fsynced) once per kSeqBlock seqs, not once per commit.
#pragma once

#include <cstdint>
#include <string>

namespace farmgate::store {

constexpr std::int64_t kSeqBlock = 100000;

// Where a buffer with no record of earlier seqs starts numbering (spec §7): the wall clock
// in microseconds, to the millisecond (Unix ms x 1000 >= Unix seconds x 10^6), when it is
// plausible (common/clock.h), else 0. Any earlier buffer that gave fewer than a thousand seqs
// a millisecond since it started is below it (two starts within one second do not collide).
// (2^53, the largest integer a JSON double keeps exact, is reached in the year 2255.)
std::int64_t clock_seq_floor(std::int64_t now_ms);

class SeqReservation {
 public:
  // Reads the mark; a missing or unreadable file counts as 0 (the database's own
  // AUTOINCREMENT still keeps seqs growing while the database is healthy).
  explicit SeqReservation(std::string path);

  std::int64_t mark() const { return mark_; }
  const std::string& path() const { return path_; }

  // Makes sure seqs up to `upto` are covered: when upto passes the mark, durably writes
  // mark = upto + kSeqBlock (temp file, fsync, rename, fsync of the folder). Returns false
  // (mark unchanged) when that write failed; the caller must not commit such seqs.
  bool cover(std::int64_t upto);

 private:
  std::string path_;
  std::int64_t mark_ = 0;
};

}  // namespace farmgate::store
