#include "uplink/result_queue.h"

namespace farmgate::uplink {

ResultQueue::ResultQueue(Publish publish, std::size_t window, std::size_t high_water_bytes)
    : publish_(std::move(publish)),
      window_(window ? window : 1),
      high_water_(high_water_bytes) {}

void ResultQueue::push(std::string payload) {
  bytes_ += payload.size();
  queue_.push_back(std::move(payload));
  pump();
}

void ResultQueue::connected() {
  connected_ = true;
  requeue_in_flight();  // a result in flight on the old connection may never be acknowledged
  pump();
}

void ResultQueue::disconnected() {
  connected_ = false;
  requeue_in_flight();
}

void ResultQueue::requeue_in_flight() {
  // Highest id first to the front: the oldest ends up first again.
  for (auto it = in_flight_.rbegin(); it != in_flight_.rend(); ++it)
    queue_.push_front(std::move(it->second));
  in_flight_.clear();
}

void ResultQueue::delivered(std::uint64_t id) {
  auto it = in_flight_.find(id);
  if (it == in_flight_.end()) return;  // from before a reconnect: requeued and sent again
  bytes_ -= it->second.size();
  in_flight_.erase(it);
  ++acknowledged_;
  pump();
}

void ResultQueue::failed(std::uint64_t id) {
  auto it = in_flight_.find(id);
  if (it == in_flight_.end()) return;
  queue_.push_front(std::move(it->second));
  in_flight_.erase(it);
  // Paho gave up on it (typically the connection is going, and the disconnect requeues the
  // rest): try again; a link that cannot take it keeps it queued.
  pump();
}

void ResultQueue::pump() {
  while (connected_ && !queue_.empty() && in_flight_.size() < window_) {
    const std::uint64_t id = kIdBit | next_++;
    if (!publish_(queue_.front(), id)) return;  // not connected after all: kept, in order
    in_flight_.emplace(id, std::move(queue_.front()));
    queue_.pop_front();
  }
}

}  // namespace farmgate::uplink
