// `farmgate check --points [--writable]`: the point ids of a config, one a line, for the shell
// completion (daemon/farmgate.bash-completion) of `read` and `write` and for scripts. Only the
// main config is loaded (profiles included, rules not): the ids are all a caller wants, and a
// broken rule file should not stop a technician from completing a point name.
#include <iostream>

#include "daemon/commands.h"
#include "daemon/setup.h"

namespace farmgate::daemon {

int cmd_check_points(const std::string& config_path, bool writable_only) {
  auto config = load_config_or_report(config_path);
  if (!config) return kUsageError;
  for (const auto& device : config->devices)
    for (const auto& point : device.points)
      if (point.writable || !writable_only) std::cout << point.id << "\n";
  return kOk;
}

}  // namespace farmgate::daemon
