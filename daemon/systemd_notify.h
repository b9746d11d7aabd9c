// The daemon's side of systemd's Type=notify protocol (sd_notify). Every call is a no-op when
// not run by systemd (NOTIFY_SOCKET unset), so the daemon calls them unconditionally.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace farmgate::daemon::systemd {

void ready(const std::string& status);     // READY=1: config loaded and buffer open
void reloading();                          // RELOADING=1 (SIGHUP)
void stopping();                           // STOPPING=1
void status(const std::string& text);      // STATUS=...
void watchdog();                           // WATCHDOG=1
// How often to send watchdog() (half of WatchdogSec), or nothing when no watchdog is set.
std::optional<std::chrono::milliseconds> watchdog_interval();

}  // namespace farmgate::daemon::systemd
