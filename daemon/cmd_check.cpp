// `farmgate check`: validate the config, its profiles and its rules, print every diagnostic,
// then a summary a technician can read at a glance. File access (secrets readable, buffer
// folder writable) is judged as the account `run` uses, so "valid" means `run` starts.
#include <iostream>

#include "daemon/commands.h"
#include "daemon/setup.h"
#include "daemon/summary.h"

namespace farmgate::daemon {

int cmd_check(const std::string& config_path, const std::string& service_user) {
  // `check` passes only when `run` will start: files are judged as the service's account.
  config::LoadOptions options;
  std::string error;
  options.service_user = service_user.empty()
                             ? config::default_service_user()
                             : config::lookup_service_user(service_user, &error);
  if (!service_user.empty() && !options.service_user) {
    std::cerr << "error: --user: " << error << "\n";
    return kUsageError;
  }
  Setup setup = load_setup(config_path, options);
  print_diagnostics(setup.diagnostics, std::cerr);
  if (!setup.ok()) {
    std::cerr << config_path << ": invalid\n";
    return kUsageError;
  }
  print_summary(setup, std::cout);
  return kOk;
}

}  // namespace farmgate::daemon
