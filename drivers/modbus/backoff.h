// Per-device backoff after consecutive failed polls (spec §6: a dead device backs off and the
// others keep their rate). Pure: times are passed in, so tests drive it on a virtual clock.
//
// After the n-th consecutive failure the next attempt is due `base * 2^(n-1)` later (base =
// the device's poll period), capped at max(cap, base). A success resets it. The bus owner also
// makes a backing-off device try each transaction only once, so a dead device costs at most
// one response timeout per backoff period.
#pragma once

#include <chrono>

#include "common/clock.h"

namespace farmgate::modbus {

constexpr Duration kDefaultBackoffCap = std::chrono::minutes(5);

class Backoff {
 public:
  explicit Backoff(Duration base, Duration cap = kDefaultBackoffCap);

  // Records a failed attempt at `now`; returns when the next attempt is due.
  SteadyTime failure(SteadyTime now);
  // Records a success: back to the regular schedule.
  void success();

  bool backing_off() const { return failures_ > 0; }
  int failures() const { return failures_; }   // consecutive
  Duration delay() const;                      // the wait after the latest failure (0: none)

 private:
  Duration base_, cap_;
  int failures_ = 0;
};

}  // namespace farmgate::modbus
