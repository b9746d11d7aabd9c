#include "uplink/command_rate.h"

#include <algorithm>

namespace farmgate::uplink {

CommandRate::CommandRate(int per_second)
    : per_second_(std::max(1, per_second)), tokens_(per_second_) {}

bool CommandRate::take(Clock::time_point now) {
  // Refilled only by time that moves forward: `last_` never steps back, so an earlier `now`
  // cannot count the same stretch twice.
  if (started_ && now > last_) {
    const std::chrono::duration<double> since = now - last_;
    tokens_ = std::min(per_second_, tokens_ + since.count() * per_second_);
  }
  if (!started_ || now > last_) last_ = now;
  started_ = true;
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    refused_in_a_row_ = 0;
    return true;
  }
  ++refused_in_a_row_;
  return false;
}

}  // namespace farmgate::uplink
