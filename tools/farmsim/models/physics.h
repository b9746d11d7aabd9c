// What the demo's physics models share: the simulated clock, the daylight curve, and the
// seam each model implements. A Physics owns no registers: every step it reads the coils
// clients wrote (an aerator, a drip valve) from the bank and writes what its sensors show,
// in the register layout of a real shipped profile (config/profiles/), so farmgate reads the
// simulated pond exactly as it would read the real probe.
// Single-threaded, like the rest of farmsim.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "tools/farmsim/register_bank.h"

namespace farmsim::models {

// Simulated time of day: `speed` times real time, from `start` seconds after midnight.
struct SimClock {
  double speed = 120;
  double start_s = 18 * 3600;  // 18:00: the first night comes soon
  double elapsed_s = 0;        // simulated seconds since the start

  double now_s() const { return start_s + elapsed_s; }
  double hour_of_day() const;  // 0 <= h < 24
  int day() const;             // 0 on the start day
};

// 0 at night, rising to 1 at noon: sin over 06:00..18:00.
double daylight(double hour);
// A smooth daily curve: `mean + swing` at `peak_hour`, `mean - swing` twelve hours later.
double day_curve(double hour, double mean, double swing, double peak_hour);

// A coil somebody drives (farmgate, through a relay board).
struct CoilRef {
  int unit = 0;
  int address = 0;
  bool on(RegisterBank& bank) const;
};

class Physics {
 public:
  virtual ~Physics() = default;
  // Advances the plant by `dt_h` simulated hours (small: the caller sub-steps) and writes
  // the sensor registers. `clock` is already at the end of the step.
  virtual void step(RegisterBank& bank, const SimClock& clock, double dt_h) = 0;
};

// value / scale, rounded and clamped to the register's type, stored at (unit, table, address).
void put_scaled(RegisterBank& bank, int unit, Table table, int address, double value,
                double scale, bool is_signed);

}  // namespace farmsim::models
