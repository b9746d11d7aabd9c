#include "daemon/systemd_notify.h"

#include <systemd/sd-daemon.h>

namespace farmgate::daemon::systemd {

void ready(const std::string& text) { sd_notifyf(0, "READY=1\nSTATUS=%s", text.c_str()); }
void reloading() { sd_notify(0, "RELOADING=1"); }
void stopping() { sd_notify(0, "STOPPING=1"); }
void status(const std::string& text) { sd_notifyf(0, "STATUS=%s", text.c_str()); }
void watchdog() { sd_notify(0, "WATCHDOG=1"); }

std::optional<std::chrono::milliseconds> watchdog_interval() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::milliseconds(usec / 2000);
}

}  // namespace farmgate::daemon::systemd
