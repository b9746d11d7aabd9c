// `farmgate replay` (spec §2): run the rules over recorded readings in virtual time and say
// what they would have done. Touches no hardware: every write is taken as done and read back
// as written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/event.h"
#include "common/reading.h"
#include "config/config.h"
#include "rules/engine.h"
#include "rules/rule_file.h"

namespace farmgate::rules {

struct TimelineEntry {
  std::int64_t ts_ms = 0;
  std::string point;     // the actuator
  double value = 0;
  std::string reason;
};

struct ReplayResult {
  std::vector<TimelineEntry> actuators;  // every change, in time order
  std::vector<Event> events;             // every event (actuator changes, alarms, faults)
};

struct ReplayOptions {
  EngineOptions engine;
  Duration step{1000};                   // the engine ticks this often in virtual time
  // Actuator states at the start of the recording (as if read at start). Empty: each
  // writable point's first good reading within the recording's first minute, if any;
  // an actuator with neither is unknown, so the first decision is written whatever it is.
  std::vector<std::pair<std::string, double>> initial_states;
};

// `readings` ordered by ts_ms (as Store::readings_between returns them). Virtual time runs
// from the first reading's ts to the last one's; steady time is derived from it.
ReplayResult replay(const config::Config& config, const RuleSet& rules, const std::vector<Reading>& readings,
                    const ReplayOptions& options = {});

}  // namespace farmgate::rules
