// The buffer (spec §6): every reading and event, numbered and committed to SQLite, kept until
// the broker acknowledged it. Owned by the daemon's loop thread; not thread-safe.
//
// Durability: add() only queues in memory; commit() writes everything queued in one
// transaction (WAL, synchronous=FULL). The daemon calls commit() every commit_interval, so at
// most that much is lost on power loss. Seqs are given at commit, grow strictly over the
// gateway's whole life (restarts, and a corrupt file replaced by a fresh one, included), and
// readings and events are numbered separately.
//
// Seqs never repeat (spec §7): a buffer with no record of earlier seqs (no rows, no seq mark
// beside it: a first start, a lost state folder) starts numbering above the wall clock in
// microseconds (Unix seconds x 10^6) when the clock is plausible (common/clock.h), so its
// seqs exceed any an earlier, lost buffer gave. A buffer file deleted or replaced under the
// open store is noticed at the next commit(): the store moves whatever is at the path aside,
// makes a fresh file there, carries its unsent readings and events over (same seqs), numbers
// on above the old seqs, and queues a `storage` fault event saying so.
//
// Storage faults (a failed commit, a replaced file) are also kept in stats().fault, since
// the fault event may not reach the buffer itself (a full disk).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/event.h"
#include "common/reading.h"
#include "config/config.h"

namespace farmgate::store {

struct StoredReading {
  std::int64_t seq = 0;
  Reading reading;
};

struct StoredEvent {
  std::int64_t seq = 0;
  Event event;
};

// The storage fault in force: its text and since when (Unix ms). Cleared by a commit that
// succeeds.
struct StorageFault {
  std::string message;
  std::int64_t since_ms = 0;
};

struct BufferStats {
  std::int64_t unsent = 0;                    // readings not yet acknowledged
  std::optional<std::int64_t> oldest_unsent_ts;
  std::int64_t dropped = 0;                   // unsent readings dropped by max_size, ever
  std::int64_t unsent_events = 0;
  std::int64_t file_bytes = 0;
  std::optional<StorageFault> fault;          // nullopt while healthy
};

// The wall clock that numbers a fresh buffer (Unix ms). Tests pass one that is not plausible
// to get seqs from 1.
using WallClock = std::int64_t (*)();

class Store {
 public:
  // Opens (or creates) the database at options.path and migrates it. A file that is not a
  // healthy farmgate database is moved aside as PATH.corrupt-<UTC time>, a fresh one is made,
  // and a `storage` fault event saying so is queued (it is the first event committed).
  // Throws std::runtime_error only when no database can be had at all (folder missing,
  // read-only, disk full).
  static std::unique_ptr<Store> open(const config::Storage& options, WallClock clock = wall_ms);
  virtual ~Store() = default;

  virtual void add(Reading r) = 0;
  virtual void add(Event e) = 0;
  // Commits what add() queued, then enforces max_size (dropping the oldest unsent readings,
  // counted) and prunes sent readings older than keep_sent. Returns false (and keeps the
  // queue, and stats().fault says why) when the write failed; the caller reports it as a
  // fault and retries later. A file deleted or replaced under the store is replaced here
  // first (see above).
  virtual bool commit() = 0;
  // Readings and events added but not committed yet (what a stop now would lose).
  virtual std::size_t queued_readings() const = 0;
  virtual std::size_t queued_events() const = 0;

  // Oldest first, committed only, seq > after_seq, at most `limit`.
  virtual std::vector<StoredReading> unsent_readings(std::int64_t after_seq, std::size_t limit) = 0;
  virtual std::vector<StoredEvent> unsent_events(std::int64_t after_seq, std::size_t limit) = 0;
  // The broker acknowledged these: they leave the unsent set (readings stay, marked sent,
  // for keep_sent; events are deleted or marked). Takes effect at once (own transaction),
  // without its own fsync: durable at the next commit() (a mark lost to a power cut only
  // means those items are sent again).
  virtual void mark_readings_sent(const std::vector<std::int64_t>& seqs) = 0;
  virtual void mark_events_sent(const std::vector<std::int64_t>& seqs) = 0;

  // Readings with from_ms <= ts < to_ms, sent or not, in ts order (for replay).
  virtual std::vector<Reading> readings_between(std::int64_t from_ms, std::int64_t to_ms) = 0;

  virtual BufferStats stats() = 0;
};

}  // namespace farmgate::store
