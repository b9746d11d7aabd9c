// Hands results from a bus thread to the daemon's loop, in the order they were produced.
//
// One boost::asio::post per result woke the loop's thread once per poll, and the wake-up
// (asio's epoll_ctl on its interrupter) cost the bus thread a tenth of its time between two
// transactions: at 25 k polls a second, more than any of farmgate's own code (figure 9 of
// docs/performance.md). So the results of a busy bus's polls are posted "soon": queued, with
// one timer on the loop that drains them within kMaxDelay, however long the bus thread then
// spends on a unit that does not answer. The bus wakes the loop a few hundred times a second
// instead of once per poll. A command's answer is posted at once, and a bus about to rest
// flushes what it posted soon, so an idle bus (polls seconds apart, the field's case) loses
// nothing in latency. On the loop a drain runs at most kBatch results and posts itself again
// for the rest, so timers and MQTT commands get their turn between batches (spec §7: a flood
// of results must not hold control up).
//
// The queue is shared with the posted handlers: results may run after the Outbox is destroyed
// (as with a plain post). Results queued when the io_context stops never run.
// Thread-safety: every method may be called from any thread; results run on the loop's thread.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "common/clock.h"

namespace farmgate::modbus {

class Outbox {
 public:
  static constexpr std::size_t kBatch = 64;
  static constexpr Duration kMaxDelay = std::chrono::milliseconds(2);

  explicit Outbox(boost::asio::io_context& loop);

  void post(std::function<void()> result);       // runs next on the loop, after those before it
  void post_soon(std::function<void()> result);  // runs within kMaxDelay (or at flush())
  void flush();                                  // what was posted soon runs now

 private:
  struct Queue;
  static void drain(const std::shared_ptr<Queue>& q);
  // Queues `result` (unless empty) and arranges a drain: now, or within kMaxDelay.
  void enqueue(std::function<void()> result, bool now);

  std::shared_ptr<Queue> queue_;
};

}  // namespace farmgate::modbus
