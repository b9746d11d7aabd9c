#include "drivers/modbus/outbox.h"

#include <deque>
#include <iterator>
#include <mutex>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace farmgate::modbus {

struct Outbox::Queue {
  explicit Queue(boost::asio::io_context& io) : loop(io), timer(io) {}
  boost::asio::io_context& loop;
  std::mutex mutex;  // guards results, drain_posted, timer_armed
  std::deque<std::function<void()>> results;
  bool drain_posted = false;  // a drain that will take from `results` is on the loop's queue
  bool timer_armed = false;   // the timer will look at `results` within kMaxDelay
  boost::asio::steady_timer timer;  // the loop's thread only
};

Outbox::Outbox(boost::asio::io_context& loop) : queue_(std::make_shared<Queue>(loop)) {}

void Outbox::post(std::function<void()> result) { enqueue(std::move(result), true); }

void Outbox::post_soon(std::function<void()> result) { enqueue(std::move(result), false); }

void Outbox::flush() { enqueue(nullptr, true); }

void Outbox::enqueue(std::function<void()> result, bool now) {
  bool post_drain = false, arm_timer = false;
  {
    std::lock_guard<std::mutex> lock(queue_->mutex);
    if (result) queue_->results.push_back(std::move(result));
    if (queue_->drain_posted || queue_->results.empty()) return;
    if (now) post_drain = queue_->drain_posted = true;
    else if (!queue_->timer_armed) arm_timer = queue_->timer_armed = true;
  }
  if (post_drain) boost::asio::post(queue_->loop, [q = queue_] { drain(q); });
  if (arm_timer)
    boost::asio::post(queue_->loop, [q = queue_] {
      q->timer.expires_after(kMaxDelay);
      q->timer.async_wait([q](const boost::system::error_code&) {
        {
          std::lock_guard<std::mutex> lock(q->mutex);
          q->timer_armed = false;
          if (q->drain_posted || q->results.empty()) return;  // flushed meanwhile
          q->drain_posted = true;
        }
        drain(q);
      });
    });
}

void Outbox::drain(const std::shared_ptr<Queue>& q) {
  std::vector<std::function<void()>> batch;
  bool more = false;
  {
    std::lock_guard<std::mutex> lock(q->mutex);
    while (!q->results.empty() && batch.size() < kBatch) {
      batch.push_back(std::move(q->results.front()));
      q->results.pop_front();
    }
    more = !q->results.empty();
    q->drain_posted = more;  // while results remain, the drain posted below takes them
  }
  // The next drain is posted after the batch, so that what the batch posted (a command's
  // write, a timer's handler) runs before the next batch. From a destructor: a result that
  // throws leaves the ones after it queued, first in line, with a drain to come.
  struct Next {
    const std::shared_ptr<Queue>& q;
    std::vector<std::function<void()>>& batch;
    std::size_t ran = 0;
    bool more;
    ~Next() {
      if (ran < batch.size()) {
        std::lock_guard<std::mutex> lock(q->mutex);
        q->results.insert(q->results.begin(), std::make_move_iterator(batch.begin() + ran),
                          std::make_move_iterator(batch.end()));
        // A drain a producer posted meanwhile takes them; else this one's (more) or a new one.
        if (!q->drain_posted) q->drain_posted = more = true;
      }
      if (more) boost::asio::post(q->loop, [q = q] { drain(q); });
    }
  } next{q, batch, 0, more};
  while (next.ran < batch.size()) {
    auto result = std::move(batch[next.ran++]);
    result();
  }
}

}  // namespace farmgate::modbus
