// `farmgate read -c FILE POINT…`: one-shot decoded read for the technician at the bus.
#include <iostream>

#include "daemon/commands.h"
#include "daemon/format.h"
#include "daemon/ownership.h"
#include "daemon/setup.h"
#include "drivers/modbus/oneshot.h"

namespace farmgate::daemon {

int cmd_read(const std::string& config_path, const std::vector<std::string>& points) {
  auto config = load_config_or_report(config_path);
  if (!config) return kUsageError;
  if (!check_point_ids(*config, points, false, std::cerr)) return kUsageError;
  // A running gateway owns the port: frames of a second master would interleave with its own.
  if (auto busy = busy_port(*config, buses_of(*config, points))) {
    std::cerr << "error: " << *busy << "\n";
    return kRuntimeFailure;
  }

  int failed = 0;
  for (const Reading& r : modbus::read_points(*config, points)) {
    const config::Point* p = config->find_point(r.point);
    std::cout << r.point << " = " << (p ? format_reading(r, *p) : format_reading(r)) << "\n";
    if (r.quality == Quality::error) ++failed;
  }
  return failed ? kRuntimeFailure : kOk;
}

}  // namespace farmgate::daemon
