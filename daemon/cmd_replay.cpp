// `farmgate replay -c FILE --db FILE [--since 24h]`: run the rules over recorded readings in
// virtual time and print what they would have done. Touches no hardware; the buffer is opened
// read-only. A technician tries a rule change on last night's data before deploying it.
#include <ctime>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "common/event_text.h"
#include "config/units.h"
#include "daemon/commands.h"
#include "daemon/format.h"
#include "daemon/setup.h"
#include "rules/replay.h"
#include "store/recorded.h"

namespace farmgate::daemon {
namespace {

std::string local_time_text(std::int64_t ms, const rules::TimeZone& tz) {
  std::time_t t = ms / 1000 + tz.offset_seconds(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::ostringstream s;
  s << std::put_time(&tm, "%Y-%m-%d %H:%M:%S");
  return s.str();
}

}  // namespace

int cmd_replay(const std::string& config_path, const std::string& db, const std::string& since) {
  auto span = config::parse_duration(since);
  if (!span.ok()) {
    std::cerr << "error: --since '" << since << "': " << span.error() << "\n";
    return kUsageError;
  }
  Setup setup = load_setup(config_path);
  print_diagnostics(setup.diagnostics, std::cerr);
  if (!setup.ok()) {
    std::cerr << config_path << ": invalid\n";
    return kUsageError;
  }
  auto newest = store::newest_recorded_ts(db);
  if (!newest) {
    std::cerr << db << ": no readings recorded\n";
    return kRuntimeFailure;
  }
  // --since counts back from the newest reading, so a copied buffer replays the same way.
  const std::int64_t from = *newest - span.value().count();
  std::vector<Reading> readings = store::read_recorded(db, from, *newest + 1);

  rules::ReplayOptions options;
  std::string tz_error;
  auto tz = rules::TimeZone::load(setup.config->gateway.timezone, &tz_error);
  if (tz) options.engine.timezone = *tz;
  else std::cerr << "warning: timezone: " << tz_error << "; using UTC\n";

  // The actuators' recorded state at the start counts as read at start, as in the daemon.
  for (const auto& r : readings) {
    if (r.quality != Quality::good || !r.value) continue;
    bool is_actuator = false;
    for (const auto& a : setup.rules.actuators) is_actuator |= a.point == r.point;
    for (const auto& rule : setup.rules.rules)
      for (const auto& s : rule.set) is_actuator |= s.point == r.point;
    bool seen = false;
    for (const auto& [p, v] : options.initial_states) seen |= p == r.point;
    if (is_actuator && !seen) options.initial_states.emplace_back(r.point, *r.value);
  }

  rules::ReplayResult result = rules::replay(*setup.config, setup.rules, readings, options);
  std::cout << "replayed " << readings.size() << " readings from "
            << local_time_text(from, options.engine.timezone) << " to "
            << local_time_text(*newest, options.engine.timezone) << "\n";
  for (const auto& e : result.events) {
    std::cout << local_time_text(e.ts_ms, options.engine.timezone) << "  " << event_text(e)
              << "\n";
  }
  std::cout << result.actuators.size() << " actuator change(s), " << result.events.size()
            << " event(s)\n";
  return kOk;
}

}  // namespace farmgate::daemon
