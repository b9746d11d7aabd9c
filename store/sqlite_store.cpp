#include "store/sqlite_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>

#include "common/clock.h"
#include "common/log.h"
#include "store/replaced_file.h"

namespace farmgate::store {
namespace {

#define FG_READING_COLS "r.seq, p.name, r.ts_ms, r.value, p.boolean, p.unit, r.quality, r.error"

int quality_code(Quality q) { return q == Quality::good ? 0 : q == Quality::bad ? 1 : 2; }
Quality quality_from(std::int64_t c) {
  return c == 0 ? Quality::good : c == 1 ? Quality::bad : Quality::error;
}

// Invalid UTF-8 (a device's error text, say) must not make every commit throw.
std::string to_json_text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::int64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::int64_t>(st.st_size) : 0;
}

// Readings are inserted kRowsPerInsert to a statement: SQLite's per-statement work (the
// AUTOINCREMENT counter in sqlite_sequence read and written, the VM started and reset) is
// then shared by 32 rows, and commit() takes half the time it took with one row a statement
// (docs/performance.md, figures 3 and 9).
constexpr std::size_t kRowsPerInsert = 32;

std::string insert_rows_sql(std::size_t rows) {
  std::string sql = "INSERT INTO readings (point, ts_ms, value, quality, error) VALUES ";
  for (std::size_t i = 0; i < rows; ++i) sql += i ? ", (?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?)";
  return sql;
}

}  // namespace

struct SqliteStore::Statements {
  explicit Statements(Db& db)
      : cap(db),
        find_point(db, "SELECT id FROM points WHERE name = ? AND unit = ? AND boolean = ?"),
        insert_point(db, "INSERT INTO points (name, unit, boolean) VALUES (?, ?, ?)"),
        insert_reading(db, insert_rows_sql(1)),
        insert_readings(db, insert_rows_sql(kRowsPerInsert)),
        insert_event(db, "INSERT INTO events (ts_ms, type, fields) VALUES (?, ?, ?)"),
        add_dropped(db, "UPDATE meta SET value = value + ? WHERE key = 'dropped'"),
        mark_reading(db, "UPDATE readings SET sent = 1 WHERE seq BETWEEN ? AND ? AND sent = 0"),
        delete_event(db, "DELETE FROM events WHERE seq BETWEEN ? AND ?"),
        unsent_readings(db, "SELECT " FG_READING_COLS
                                     " FROM readings r INDEXED BY readings_unsent JOIN points p ON "
                                     "p.id = r.point WHERE r.sent = 0 AND r.seq > ? ORDER BY r.seq "
                                     "LIMIT ?"),
        unsent_events(db,
                           "SELECT seq, ts_ms, type, fields FROM events WHERE seq > ? ORDER BY seq "
                           "LIMIT ?"),
        between(db, "SELECT " FG_READING_COLS
                           " FROM readings r JOIN points p ON p.id = r.point "
                           "WHERE r.ts_ms >= ? AND r.ts_ms < ? ORDER BY r.ts_ms, r.seq"),
        count_unsent(db,
                          "SELECT count(*) FROM readings INDEXED BY readings_unsent "
                          "WHERE sent = 0"),
        oldest_unsent(db,
                           "SELECT ts_ms FROM readings INDEXED BY readings_unsent "
                           "WHERE sent = 0 ORDER BY seq LIMIT 1"),
        count_events(db, "SELECT count(*) FROM events") {}

  SizeCap cap;
  Stmt find_point, insert_point, insert_reading, insert_readings, insert_event, add_dropped;
  Stmt mark_reading, delete_event;
  Stmt unsent_readings, unsent_events, between;
  Stmt count_unsent, oldest_unsent, count_events;
};

SqliteStore::SqliteStore(std::unique_ptr<Db> db, config::Storage options, SeqReservation seqs,
                         std::optional<Event> first_event, WallClock clock)
    : options_(std::move(options)), seqs_(std::move(seqs)), clock_(clock) {
  attach(std::move(db));
  seed_sequences();
  last_reading_seq_ = last_seq("readings");
  last_event_seq_ = last_seq("events");
  dropped_ = db_->query_int("SELECT value FROM meta WHERE key = 'dropped'");
  if (first_event) events_.push_back(std::move(*first_event));
}

void SqliteStore::attach(std::unique_ptr<Db> db) {
  if (db_) sqlite3_commit_hook(db_->handle(), nullptr, nullptr);
  q_.reset();  // statements first: they belong to the old connection
  db_ = std::move(db);
  q_ = std::make_unique<Statements>(*db_);
  point_ids_.clear();
  sqlite3_commit_hook(
      db_->handle(),
      [](void* counter) {
        ++*static_cast<std::int64_t*>(counter);
        return 0;
      },
      &transactions_);
}

SqliteStore::~SqliteStore() {
  try {
    commit();  // a clean stop loses nothing queued
  } catch (const std::exception& e) {
    log::error("store: final commit: ", e.what());
  }
  if (!readings_.empty() || !events_.empty())
    log::error("store: closing with ", readings_.size(), " readings and ", events_.size(),
               " events not committed: they are lost");
  sqlite3_commit_hook(db_->handle(), nullptr, nullptr);
}

std::int64_t SqliteStore::last_seq(const char* table) {
  Stmt s(*db_, "SELECT seq FROM sqlite_sequence WHERE name = ?");
  s.bind(1, std::string(table));
  return s.step() ? s.int64(0) : 0;
}

// A table that never gave a seq (a fresh file, maybe replacing a corrupt or lost one) starts
// above the reserved mark (every seq any earlier file gave is at most that mark) and above
// the wall clock's floor (for when the mark was lost with the file: store.h).
void SqliteStore::seed_sequences() {
  const std::int64_t floor = std::max(seqs_.mark(), clock_seq_floor(clock_()));
  if (floor == 0) return;
  Transaction tx(*db_);
  for (const char* table : {"readings", "events"}) {
    const std::string t = table;
    if (last_seq(table) > 0 || db_->query_int("SELECT count(*) FROM " + t) > 0) continue;
    Stmt s(*db_, "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)");
    s.bind(1, t).bind(2, floor).run();
    log::info("store: ", t, " of the fresh buffer ", db_->path(), " are numbered from ", floor + 1);
  }
  tx.commit();
}

void SqliteStore::add(Reading r) {
  if (readings_.size() >= kMaxQueuedReadings) {
    if (queue_dropped_ == 0) log::error("store: commit queue full, dropping oldest readings");
    readings_.pop_front();
    ++queue_dropped_;
  }
  readings_.push_back(std::move(r));
}

void SqliteStore::add(Event e) {
  if (events_.size() >= kMaxQueuedEvents) {
    log::error("store: commit queue full, dropping event ", events_.front().type, " ",
               to_json_text(events_.front().fields));
    events_.pop_front();
  }
  events_.push_back(std::move(e));
}

std::int64_t SqliteStore::point_id(const Reading& r) {
  // Looked up without copying the strings: this runs for every reading committed.
  if (auto it = point_ids_.find(std::forward_as_tuple(r.point, r.unit, r.boolean));
      it != point_ids_.end())
    return it->second;
  std::int64_t id = 0;
  q_->find_point.bind(1, r.point).bind(2, r.unit).bind(3, std::int64_t{r.boolean});
  if (q_->find_point.step()) {
    id = q_->find_point.int64(0);
    q_->find_point.reset();
  } else {
    q_->find_point.reset();
    q_->insert_point.bind(1, r.point).bind(2, r.unit).bind(3, std::int64_t{r.boolean}).run();
    id = sqlite3_last_insert_rowid(db_->handle());
  }
  point_ids_.emplace(std::make_tuple(r.point, r.unit, r.boolean), id);
  return id;
}

void SqliteStore::set_fault(const std::string& message) {
  if (!fault_) fault_ = StorageFault{message, wall_ms()};
  fault_->message = message;  // the newest text, since the streak began
}

bool SqliteStore::replace_if_moved() {
  if (!file_moved(*db_)) return true;
  // The open file knows exactly which seqs were given: the fresh one goes on right above
  // them, without a gap (the mark and the clock floor are for when that record is lost).
  try {
    ReplacedFile fresh = replace_moved_file(*db_, options_.path, last_reading_seq_,
                                            last_event_seq_, wall_ms());
    attach(std::move(fresh.db));
    // Re-read: a lost folder lost the mark too, and the next commit writes it anew.
    seqs_ = SeqReservation(options_.path + ".seq");
    last_reading_seq_ = last_seq("readings");
    last_event_seq_ = last_seq("events");
    log::error("store: ", fresh.message);
    events_.push_front(fault_event(wall_ms(), "storage", fresh.message));
    return true;
  } catch (const std::exception& e) {
    if (!fault_ || fault_->message != e.what()) log::error("store: ", e.what());  // once a streak
    set_fault(e.what());
    return false;
  }
}

bool SqliteStore::commit() {
  if (!replace_if_moved()) return false;
  if (readings_.empty() && events_.empty() && queue_dropped_ == 0) return true;
  // Reserve the seqs about to be given before they can become durable.
  const auto upto = std::max(last_reading_seq_ + static_cast<std::int64_t>(readings_.size()),
                             last_event_seq_ + static_cast<std::int64_t>(events_.size()));
  if (!seqs_.cover(upto)) {
    log::error("store: cannot write the seq mark ", seqs_.path());
    set_fault("cannot write the seq mark " + seqs_.path());
    return false;
  }
  std::int64_t reading_seq = last_reading_seq_, event_seq = last_event_seq_, cap_dropped = 0;
  try {
    Transaction tx(*db_);
    // Rows go in readings_'s order, so the last rowid is the newest seq.
    const std::size_t whole = readings_.size() - readings_.size() % kRowsPerInsert;
    for (std::size_t i = 0; i < readings_.size();) {
      Stmt& insert = i < whole ? q_->insert_readings : q_->insert_reading;
      const std::size_t rows = i < whole ? kRowsPerInsert : 1;
      for (std::size_t k = 0; k < rows; ++k, ++i) {
        const Reading& r = readings_[i];
        const int at = static_cast<int>(k * 5);
        insert.bind(at + 1, point_id(r)).bind(at + 2, r.ts_ms);
        if (r.value && r.quality != Quality::error) insert.bind(at + 3, *r.value);
        else insert.bind_null(at + 3);
        insert.bind(at + 4, std::int64_t{quality_code(r.quality)});
        // Every slot bound, null included: a commit that failed halfway through binding
        // (a point's row not insertable) leaves the statement's earlier bindings behind.
        if (!r.error.empty()) insert.bind(at + 5, r.error);
        else insert.bind_null(at + 5);
      }
      insert.run();
      reading_seq = sqlite3_last_insert_rowid(db_->handle());
    }
    for (const Event& e : events_) {
      q_->insert_event.bind(1, e.ts_ms).bind(2, e.type).bind(3, to_json_text(e.fields)).run();
      event_seq = sqlite3_last_insert_rowid(db_->handle());
    }
    const std::int64_t now = wall_ms();
    if (wall_clock_plausible(now)) q_->cap.prune_sent(now - options_.keep_sent.count());
    cap_dropped = q_->cap.enforce(options_.max_size);
    if (queue_dropped_ + cap_dropped > 0)
      q_->add_dropped.bind(1, queue_dropped_ + cap_dropped).run();
    tx.commit();
  } catch (const SqliteError& e) {
    point_ids_.clear();  // ids inserted by the rolled-back transaction are gone
    log::error("store: commit failed, keeping ", readings_.size(), " readings and ", events_.size(),
               " events queued: ", e.what());
    set_fault("cannot write the buffer " + options_.path + ": " + e.what());
    return false;
  }
  fault_.reset();
  if (cap_dropped > 0)
    log::warning("store: max_size reached, dropped the ", cap_dropped, " oldest unsent readings");
  last_reading_seq_ = reading_seq;
  last_event_seq_ = event_seq;
  dropped_ += queue_dropped_ + cap_dropped;
  queue_dropped_ = 0;
  readings_.clear();
  events_.clear();
  return true;
}

Reading SqliteStore::reading_from(Stmt& s, int c) const {
  Reading r;
  r.point = s.text(c + 1);
  r.ts_ms = s.int64(c + 2);
  r.value = s.real(c + 3);
  r.boolean = s.int64(c + 4) != 0;
  r.unit = s.text(c + 5);
  r.quality = quality_from(s.int64(c + 6));
  r.error = s.text(c + 7);
  return r;
}

std::vector<StoredReading> SqliteStore::unsent_readings(std::int64_t after_seq, std::size_t limit) {
  std::vector<StoredReading> out;
  out.reserve(std::min<std::size_t>(limit, 10000));
  try {
    q_->unsent_readings.bind(1, after_seq).bind(2, static_cast<std::int64_t>(limit));
    while (q_->unsent_readings.step())
      out.push_back({q_->unsent_readings.int64(0), reading_from(q_->unsent_readings, 0)});
  } catch (const SqliteError& e) {
    log::error("store: reading the outbox: ", e.what());
  }
  q_->unsent_readings.reset();
  return out;
}

std::vector<StoredEvent> SqliteStore::unsent_events(std::int64_t after_seq, std::size_t limit) {
  std::vector<StoredEvent> out;
  try {
    q_->unsent_events.bind(1, after_seq).bind(2, static_cast<std::int64_t>(limit));
    while (q_->unsent_events.step()) {
      Event e{q_->unsent_events.int64(1), q_->unsent_events.text(2),
              nlohmann::json::parse(q_->unsent_events.text(3), nullptr, false)};
      out.push_back({q_->unsent_events.int64(0), std::move(e)});
    }
  } catch (const SqliteError& e) {
    log::error("store: reading the event outbox: ", e.what());
  }
  q_->unsent_events.reset();
  return out;
}

// Failing here only means the items are sent again (the platform de-duplicates by seq).
// A mark is committed without its own fsync (synchronous=NORMAL for this transaction; WAL
// keeps it atomic): losing it to a power cut only sends those items again, and the next
// commit() (FULL) makes it durable anyway. An fsync per PUBACK capped a backlog drain at one
// message per fsync (bench/bench_drain: ~5 ms each here, 100k readings/s).
// `stmt` takes a range of seqs: a batch is mostly runs of consecutive seqs, and one statement
// per run instead of one per seq halves the cost of marking (bench_drain).
void SqliteStore::mark(Stmt& stmt, std::vector<std::int64_t> seqs, const char* what) {
  if (seqs.empty()) return;
  std::sort(seqs.begin(), seqs.end());
  try {
    db_->exec("PRAGMA synchronous = NORMAL");
    Transaction tx(*db_);
    for (std::size_t first = 0, last = 0; first < seqs.size(); first = ++last) {
      while (last + 1 < seqs.size() && seqs[last + 1] <= seqs[last] + 1) ++last;
      stmt.bind(1, seqs[first]).bind(2, seqs[last]).run();
    }
    tx.commit();
  } catch (const SqliteError& e) {
    stmt.reset();
    log::error("store: marking ", seqs.size(), " ", what, " sent: ", e.what());
  }
  try {
    db_->exec("PRAGMA synchronous = FULL");
  } catch (const SqliteError& e) {
    log::error("store: restoring synchronous = FULL: ", e.what());
  }
}

void SqliteStore::mark_readings_sent(const std::vector<std::int64_t>& seqs) {
  mark(q_->mark_reading, seqs, "readings");
}

void SqliteStore::mark_events_sent(const std::vector<std::int64_t>& seqs) {
  mark(q_->delete_event, seqs, "events");
}

std::vector<Reading> SqliteStore::readings_between(std::int64_t from_ms, std::int64_t to_ms) {
  std::vector<Reading> out;
  try {
    q_->between.bind(1, from_ms).bind(2, to_ms);
    while (q_->between.step()) out.push_back(reading_from(q_->between, 0));
  } catch (const SqliteError& e) {
    log::error("store: replay query: ", e.what());
  }
  q_->between.reset();
  return out;
}

BufferStats SqliteStore::stats() {
  BufferStats s;
  auto single = [](Stmt& q) -> std::optional<std::int64_t> {
    std::optional<std::int64_t> v;
    if (q.step()) v = q.int64(0);
    q.reset();
    return v;
  };
  try {
    s.unsent = single(q_->count_unsent).value_or(0);
    s.oldest_unsent_ts = single(q_->oldest_unsent);
    s.unsent_events = single(q_->count_events).value_or(0);
  } catch (const SqliteError& e) {
    log::error("store: stats: ", e.what());
  }
  s.dropped = dropped_ + queue_dropped_;
  s.fault = fault_;
  s.file_bytes = file_size(db_->path()) + file_size(db_->path() + "-wal");
  return s;
}

}  // namespace farmgate::store
