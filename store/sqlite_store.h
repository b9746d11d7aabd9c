// The Store (store/store.h) on SQLite. Private to fg_store; tests include it to reach the
// counters below. Built by Store::open (store/store.cpp) from a migrated, checked database.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "store/seq_reservation.h"
#include "store/size_cap.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace farmgate::store {

// The in-memory queue is capped so a failing disk cannot exhaust memory: past it the oldest
// queued readings are dropped (counted in stats().dropped) and the oldest events too (logged).
constexpr std::size_t kMaxQueuedReadings = 100000;
constexpr std::size_t kMaxQueuedEvents = 10000;

class SqliteStore : public Store {
 public:
  // `first_event` (the storage fault of a replaced corrupt file) is queued before anything.
  // `clock` numbers tables that never gave a seq (store.h).
  SqliteStore(std::unique_ptr<Db> db, config::Storage options, SeqReservation seqs,
              std::optional<Event> first_event, WallClock clock);
  ~SqliteStore() override;  // commits what is still queued (best effort)

  void add(Reading r) override;
  void add(Event e) override;
  bool commit() override;
  std::vector<StoredReading> unsent_readings(std::int64_t after_seq, std::size_t limit) override;
  std::vector<StoredEvent> unsent_events(std::int64_t after_seq, std::size_t limit) override;
  void mark_readings_sent(const std::vector<std::int64_t>& seqs) override;
  void mark_events_sent(const std::vector<std::int64_t>& seqs) override;
  std::vector<Reading> readings_between(std::int64_t from_ms, std::int64_t to_ms) override;
  BufferStats stats() override;

  // Transactions this connection committed (a commit hook counts them), for tests.
  std::int64_t transactions() const { return transactions_; }
  std::size_t queued_readings() const override { return readings_.size(); }
  std::size_t queued_events() const override { return events_.size(); }
  Db& db() { return *db_; }

 private:
  std::int64_t point_id(const Reading& r);
  void seed_sequences();
  // The connection's prepared statements; rebuilt when the file is replaced.
  struct Statements;
  void attach(std::unique_ptr<Db> db);
  // commit()'s first step: a file deleted or replaced under us is replaced by a fresh one
  // (store/replaced_file.h). Returns false (fault_ set) when that failed.
  bool replace_if_moved();
  void set_fault(const std::string& message);
  std::int64_t last_seq(const char* table);
  void mark(Stmt& stmt, std::vector<std::int64_t> seqs, const char* what);
  Reading reading_from(Stmt& s, int first_col) const;

  std::unique_ptr<Db> db_;
  config::Storage options_;
  SeqReservation seqs_;
  std::deque<Reading> readings_;
  std::deque<Event> events_;
  std::int64_t queue_dropped_ = 0;  // dropped from the queue, not yet added to meta
  std::int64_t dropped_ = 0;        // meta 'dropped' as committed
  std::int64_t last_reading_seq_ = 0, last_event_seq_ = 0;
  std::int64_t transactions_ = 0;
  std::map<std::tuple<std::string, std::string, bool>, std::int64_t, std::less<>> point_ids_;

  std::unique_ptr<Statements> q_;
  WallClock clock_;
  std::optional<StorageFault> fault_;
};

}  // namespace farmgate::store
