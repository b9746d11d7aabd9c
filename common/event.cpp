#include "common/event.h"

namespace farmgate {

Event fault_event(std::int64_t ts_ms, const std::string& source, const std::string& message,
                  const std::string& device, const std::string& bus, const std::string& point) {
  nlohmann::json f = {{"source", source}};
  if (!device.empty()) f["device"] = device;
  if (!bus.empty()) f["bus"] = bus;
  if (!point.empty()) f["point"] = point;
  f["message"] = message;
  return Event{ts_ms, "fault", std::move(f)};
}

Event config_event(std::int64_t ts_ms, bool reloaded, const std::string& message) {
  return Event{ts_ms, "config",
               {{"state", reloaded ? "reloaded" : "rejected"}, {"message", message}}};
}

}  // namespace farmgate
