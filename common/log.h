// Logging to stderr, one line per event. Under systemd (JOURNAL_STREAM set and stderr being
// that stream) each line starts with the sd-daemon priority prefix (<3> <4> <6> <7>) so
// journald files it at the right level. Thread-safe: bus owners and Paho threads log too.
#pragma once

#include <sstream>
#include <string>

namespace farmgate::log {

enum class Level { error = 3, warning = 4, info = 6, debug = 7 };

void write(Level level, const std::string& line);
void set_verbose(bool on);  // debug lines are dropped unless verbose
bool verbose();

template <typename... Args>
std::string cat(const Args&... args) {
  std::ostringstream s;
  (s << ... << args);
  return s.str();
}

template <typename... Args> void error(const Args&... a) { write(Level::error, cat(a...)); }
template <typename... Args> void warning(const Args&... a) { write(Level::warning, cat(a...)); }
template <typename... Args> void info(const Args&... a) { write(Level::info, cat(a...)); }
template <typename... Args> void debug(const Args&... a) {
  if (verbose()) write(Level::debug, cat(a...));
}

}  // namespace farmgate::log
