// Command id de-duplication (spec §7): a command whose `id` was seen in the last 10 minutes
// is not executed again; it gets its first result again. The platform retries a command it
// saw no result for (a lost connection, a slow link), and a retried `set` must not restart a
// hold nor a retried `read` queue a second bus transaction.
//
// Pure bookkeeping on the loop thread; the caller passes the time. An id is remembered from
// the moment it is taken (begin), so a duplicate that arrives while the first is still
// running (a `read` waiting for its bus) waits for that first result and is answered with it.
//
// Memory is bounded: past max_bytes the oldest answered ids are forgotten early (a warning
// is logged once per episode); ids still waiting for their result are never forgotten.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/clock.h"

namespace farmgate::uplink {

class CommandIds {
 public:
  static constexpr Duration kRemember{10 * 60 * 1000};

  explicit CommandIds(Duration remember = kRemember, std::size_t max_bytes = 4u << 20);

  // What is known of `id` at `now`: nullptr when it was not seen in the last `remember`.
  // Otherwise the entry: `result` set once answered, else a duplicate must wait (await()).
  struct Entry {
    SteadyTime seen;
    std::optional<std::string> result;  // the first result's payload
    int waiting = 0;                    // duplicates answered when the result comes
  };
  const Entry* find(const std::string& id, SteadyTime now);

  void begin(const std::string& id, SteadyTime now);  // REQUIRES find(id) == nullptr
  void await(const std::string& id);                  // one more duplicate for a pending id
  // Records the first result of `id`; returns how many duplicates waited for it (each gets
  // the same payload). 0 when the id is not remembered (e.g. it had no id).
  int answer(const std::string& id, const std::string& result_payload);

  std::size_t size() const { return entries_.size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  void expire(SteadyTime now);
  void evict_over_cap();
  Duration remember_;
  std::size_t max_bytes_, bytes_ = 0;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<std::pair<SteadyTime, std::string>> order_;  // oldest first
  bool warned_ = false;
};

}  // namespace farmgate::uplink
