// The demo's physics as one farmsim::Model: a simulated clock running `speed` times real time
// from a start time of day, and the plant models of the description file, stepped in order.
//
// In the description file (tools/farmsim/README.md):
//   clock:  { speed: 120, start: "18:00", unit: 99 }   # all optional
//   models:
//     - { kind: pond, probe: 2, aerator: { unit: 1, coil: 0 }, do: 5.5 }
//     - { kind: greenhouse, probe: 12, valve: { unit: 11, coil: 0 }, air: 14 }
//     - { kind: weather, air: 23, wind_speed: 21, wind_direction: 22 }
// With `clock.unit` the simulated time is published in that unit's holding registers, for
// tests and the demo: 0-1 simulated seconds since the start (uint32, ABCD), 2 the minute of
// the day (0-1439), 3 the day (0 = the start day).
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "tools/farmsim/model.h"
#include "tools/farmsim/models/params.h"
#include "tools/farmsim/models/physics.h"

namespace farmsim::models {

struct FarmSpec {
  SimClock clock;
  std::optional<int> clock_unit;
  std::vector<std::unique_ptr<Physics>> physics;
};

// Reads the `clock` and `models` sections (either may be an undefined node). Reports every
// mistake through `error`; returns false when there was one.
bool load_farm(const YAML::Node& clock, const YAML::Node& models, FarmSpec* out, ErrorFn error);

class FarmModel : public Model {
 public:
  explicit FarmModel(FarmSpec spec) : spec_(std::move(spec)) {}
  // Advances the clock by `elapsed` real time x speed, in simulated steps of at most a minute.
  void tick(RegisterBank& bank, std::chrono::milliseconds elapsed) override;
  const SimClock& clock() const { return spec_.clock; }

 private:
  void publish_clock(RegisterBank& bank);
  FarmSpec spec_;
};

}  // namespace farmsim::models
