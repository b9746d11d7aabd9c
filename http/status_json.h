// `GET /api/status` and `farmgate status --json` (spec §9): one JSON object with everything
// the page shows. Pure function of what the daemon knows; built on the daemon's loop.
//
//   {"gateway":{"id","site"},"version","started","config","generated",
//    "points":[{"id","device","value"(number|bool|null),"unit"?,"quality","ts"?,"age_ms"?,"error"?}],
//    "actuators":[{"point","state"(bool|number|null),"reason","since_ms"?,
//                  "override"?:{"value","left_ms","cmd"},"cut"?:true,
//                  "failsafe","min_on_ms"?,"min_off_ms"?,"max_on_ms"?,"exclusive_with"?:[…]}],
//    "alarms":[{"name","severity","message","since"}],
//    "devices":{NAME:{"ok","errors","last_error"?}},     <- uplink::status_figures
//    "buffer":{"unsent","oldest_unsent_ts"?,"dropped"},  <- uplink::status_figures
//    "uplink":{"configured","connected"?,"broker"?,"last_error"?,"in_flight"?}}
//
// `reason` is the arbiter's (`rule NAME`, `override CMD-ID`, `failsafe`, `max_on`,
// `exclusive_with OTHER`, `default`); points and actuators are in config / declaration order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "config/config.h"
#include "http/live_view.h"
#include "rules/engine_state.h"
#include "rules/rule_file.h"
#include "store/store.h"
#include "uplink/payloads.h"

namespace farmgate::http {

struct UplinkState {
  bool configured = false;
  bool connected = false;
  std::string broker;  // as written in uplink.url; "" when not connected
  std::string last_error;
  std::size_t in_flight = 0;
};

struct StatusInputs {
  const config::Config* config = nullptr;
  const rules::RuleSet* rules = nullptr;
  const rules::EngineState* engine = nullptr;  // null before the engine exists
  const LiveView* live = nullptr;
  uplink::StatusSnapshot snapshot;
  store::BufferStats buffer;
  UplinkState uplink;
  SteadyTime now{};
  std::int64_t wall_ms = 0;
};

nlohmann::json status_json(const StatusInputs& in);

}  // namespace farmgate::http
