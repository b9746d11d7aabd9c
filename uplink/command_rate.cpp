#include "uplink/command_rate.h"

#include <algorithm>

namespace farmgate::uplink {

CommandRate::CommandRate(int per_second)
    : per_second_(std::max(1, per_second)), tokens_(per_second_) {}

bool CommandRate::take(Clock::time_point now) {
  if (started_) {
    const std::chrono::duration<double> since = now - last_;
    tokens_ = std::min(per_second_, tokens_ + std::max(0.0, since.count()) * per_second_);
  }
  started_ = true;
  last_ = now;
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    refused_in_a_row_ = 0;
    return true;
  }
  ++refused_in_a_row_;
  return false;
}

}  // namespace farmgate::uplink
