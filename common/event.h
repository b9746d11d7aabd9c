// Something the platform must hear about besides readings (spec §5 `events`): an actuator
// change, an alarm, a fault, a config reload, a command. The store gives it its `seq`.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace farmgate {

struct Event {
  std::int64_t ts_ms = 0;   // Unix epoch milliseconds
  std::string type;         // actuator | alarm | fault | config | command
  nlohmann::json fields;    // the type's own fields (spec §5), an object; no seq/ts/type
};

// Builders for the fields each type carries; keys with no value are left out.
Event fault_event(std::int64_t ts_ms, const std::string& source, const std::string& message,
                  const std::string& device = "", const std::string& bus = "",
                  const std::string& point = "");
Event config_event(std::int64_t ts_ms, bool reloaded, const std::string& message);

}  // namespace farmgate
