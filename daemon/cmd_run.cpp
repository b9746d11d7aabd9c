// `farmgate run -c FILE`: the daemon in the foreground (systemd Type=notify).
#include <csignal>

#include <boost/asio/io_context.hpp>

#include "common/log.h"
#include "daemon/commands.h"
#include "daemon/gateway.h"

namespace farmgate::daemon {

namespace {

// SIGTERM/SIGINT/SIGHUP are held back from the first instant until the gateway listens for
// them: a stop asked for during start-up (systemd, a test, an impatient user) is then a clean
// stop with exit 0, not death by the default action. Threads started meanwhile (buses, MQTT)
// inherit the mask, so the signals reach the main thread and the gateway's handler.
class HoldStopSignals {
 public:
  HoldStopSignals() {
    sigemptyset(&set_);
    for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&set_, s);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  }
  ~HoldStopSignals() { release(); }
  void release() {
    if (held_) pthread_sigmask(SIG_UNBLOCK, &set_, nullptr);
    held_ = false;
  }

 private:
  sigset_t set_;
  bool held_ = true;
};

}  // namespace

int cmd_run(const std::string& config_path) {
  HoldStopSignals hold;
  Setup setup = load_setup(config_path);
  for (const auto& d : setup.diagnostics.all()) log_diagnostic(d);
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
  hold.release();  // a signal that came meanwhile is handled now, by the gateway
  io.run();
  // Readings that a full or broken disk kept out of the buffer are gone: not a clean stop.
  return gateway.lost() ? kRuntimeFailure : kOk;
}

}  // namespace farmgate::daemon
