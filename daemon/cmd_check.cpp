// `farmgate check`: validate the config, its profiles and its rules, print every diagnostic,
// then a summary a technician can read at a glance.
#include <iostream>

#include "daemon/commands.h"
#include "daemon/setup.h"
#include "daemon/summary.h"

namespace farmgate::daemon {

int cmd_check(const std::string& config_path) {
  Setup setup = load_setup(config_path);
  print_diagnostics(setup.diagnostics, std::cerr);
  if (!setup.ok()) {
    std::cerr << config_path << ": invalid\n";
    return kUsageError;
  }
  print_summary(setup, std::cout);
  return kOk;
}

}  // namespace farmgate::daemon
