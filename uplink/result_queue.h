// `cmd/result` messages waiting to go out (spec §7: every command gets exactly one result,
// late maybe, never dropped). Results are queued and handed to the link as its window
// allows (at most `window` awaiting their PUBACK), instead of being pushed at Paho, whose
// in-flight limit refused them under a burst (1,000 commands got ~400 results).
//
// Runs on the loop thread. A result is taken off the queue only when the broker has
// acknowledged it. On a disconnect the unacknowledged ones go back to the front, in order,
// and are sent again after the next connect: across a reconnect a result may reach the
// platform twice (same id, same content), never zero times.
//
// Back-pressure: over_high_water() says the queue holds more than `high_water_bytes`; the
// uplink then stops taking commands (unsubscribes `cmd`) until drained() (at most a quarter
// of it left), so memory stays bounded however fast commands arrive.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>

namespace farmgate::uplink {

class ResultQueue {
 public:
  // Hands one result to the link; false when it cannot be sent now (not connected, refused).
  using Publish = std::function<bool(const std::string& payload, std::uint64_t id)>;
  // ids given to Publish carry this bit, so the link's acknowledgements can be told apart
  // from the forwarder's (whose ids count up from 1).
  static constexpr std::uint64_t kIdBit = 1ull << 63;

  ResultQueue(Publish publish, std::size_t window = 16,
              std::size_t high_water_bytes = 8u << 20);

  void push(std::string payload);   // queues and sends what the window allows
  void connected();                 // sends from the front of the queue
  void disconnected();              // unacknowledged results go back to the front
  void delivered(std::uint64_t id);
  void failed(std::uint64_t id);    // back to the front; sent again at the next pump
  void pump();

  static bool owns(std::uint64_t id) { return (id & kIdBit) != 0; }
  std::size_t queued() const { return queue_.size() + in_flight_.size(); }
  std::size_t bytes() const { return bytes_; }
  std::uint64_t sent() const { return acknowledged_; }  // results the broker acknowledged
  bool over_high_water() const { return bytes_ > high_water_; }
  bool drained() const { return bytes_ <= high_water_ / 4; }

 private:
  void requeue_in_flight();
  Publish publish_;
  std::size_t window_, high_water_, bytes_ = 0;
  std::deque<std::string> queue_;
  std::map<std::uint64_t, std::string> in_flight_;  // by id: ids grow, so oldest first
  std::uint64_t next_ = 1, acknowledged_ = 0;
  bool connected_ = false;
};

}  // namespace farmgate::uplink
