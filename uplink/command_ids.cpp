#include "uplink/command_ids.h"

#include "common/log.h"

namespace farmgate::uplink {
namespace {

// What an entry costs, roughly: the id twice (map key and order), the result, the nodes.
std::size_t cost(const std::string& id, const CommandIds::Entry& e) {
  return 2 * id.size() + (e.result ? e.result->size() : 0) + 96;
}

}  // namespace

CommandIds::CommandIds(Duration remember, std::size_t max_bytes)
    : remember_(remember), max_bytes_(max_bytes) {}

void CommandIds::expire(SteadyTime now) {
  while (!order_.empty() && now - order_.front().first >= remember_) {
    auto it = entries_.find(order_.front().second);
    // A command still running after 10 minutes keeps its entry: its duplicates wait for it.
    if (it != entries_.end() && !it->second.result) break;
    if (it != entries_.end()) {
      bytes_ -= cost(it->first, it->second);
      entries_.erase(it);
    }
    order_.pop_front();
  }
  if (bytes_ <= max_bytes_ / 2) warned_ = false;
}

void CommandIds::evict_over_cap() {
  while (bytes_ > max_bytes_ && !order_.empty()) {
    auto it = entries_.find(order_.front().second);
    if (it != entries_.end() && !it->second.result) return;  // never forget a waiting one
    if (!warned_) {
      log::warning("uplink: more command ids than fit in ", max_bytes_ >> 10,
                   " KiB: the oldest are forgotten before 10 minutes");
      warned_ = true;
    }
    if (it != entries_.end()) {
      bytes_ -= cost(it->first, it->second);
      entries_.erase(it);
    }
    order_.pop_front();
  }
}

const CommandIds::Entry* CommandIds::find(const std::string& id, SteadyTime now) {
  expire(now);
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second;
}

void CommandIds::begin(const std::string& id, SteadyTime now) {
  if (id.empty()) return;
  auto [it, fresh] = entries_.try_emplace(id, Entry{now, std::nullopt, 0});
  if (!fresh) return;
  bytes_ += cost(id, it->second);
  order_.emplace_back(now, id);
  evict_over_cap();
}

void CommandIds::await(const std::string& id) {
  auto it = entries_.find(id);
  if (it != entries_.end() && !it->second.result) ++it->second.waiting;
}

int CommandIds::answer(const std::string& id, const std::string& result_payload) {
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.result) return 0;
  bytes_ -= cost(id, it->second);
  it->second.result = result_payload;
  bytes_ += cost(id, it->second);
  const int waiting = it->second.waiting;
  it->second.waiting = 0;
  evict_over_cap();
  return waiting;
}

}  // namespace farmgate::uplink
