// `farmgate run -c FILE`: the daemon in the foreground (systemd Type=notify).
#include <boost/asio/io_context.hpp>

#include "common/log.h"
#include "daemon/commands.h"
#include "daemon/gateway.h"

namespace farmgate::daemon {

int cmd_run(const std::string& config_path) {
  Setup setup = load_setup(config_path);
  for (const auto& d : setup.diagnostics.all())
    log::write(d.severity == config::Diagnostic::Severity::error ? log::Level::error
                                                               : log::Level::warning,
               d.str());
  if (!setup.ok()) {
    log::error(config_path, ": invalid, not starting");
    return kUsageError;
  }
  boost::asio::io_context io;
  Gateway gateway(io, config_path, std::move(setup));
  try {
    gateway.start();
  } catch (const std::exception& e) {
    log::error(e.what());
    return kRuntimeFailure;
  }
  io.run();
  return kOk;
}

}  // namespace farmgate::daemon
