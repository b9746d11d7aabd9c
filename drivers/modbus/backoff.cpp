#include "drivers/modbus/backoff.h"

#include <algorithm>

namespace farmgate::modbus {

Backoff::Backoff(Duration base, Duration cap)
    : base_(std::max(base, Duration(1))), cap_(std::max(cap, base_)) {}

SteadyTime Backoff::failure(SteadyTime now) {
  ++failures_;
  return now + delay();
}

void Backoff::success() { failures_ = 0; }

Duration Backoff::delay() const {
  if (failures_ == 0) return Duration(0);
  Duration d = base_;
  // Doubling stops at the cap, so no overflow however long the device stays dead.
  for (int i = 1; i < failures_ && d < cap_; ++i) d *= 2;
  return std::min(d, cap_);
}

}  // namespace farmgate::modbus
