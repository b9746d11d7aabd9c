// Time for farmgate's logic. Control timing (for, min_on, stale_after, backoff) runs on the
// monotonic clock; the wall clock is only for timestamps and time-of-day schedules, and may be
// wrong on boards without an RTC until NTP syncs.
#pragma once

#include <chrono>
#include <cstdint>

namespace farmgate {

using Duration = std::chrono::milliseconds;
using SteadyTime = std::chrono::steady_clock::time_point;

// Unix epoch milliseconds now.
inline std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A wall clock before this (2024-01-01 UTC) means the board has not synced its time yet.
constexpr std::int64_t kPlausibleWallMs = 1704067200000;
inline bool wall_clock_plausible(std::int64_t ms) { return ms >= kPlausibleWallMs; }

}  // namespace farmgate
