// Logging to stderr, one line per event. Under systemd (JOURNAL_STREAM set and stderr being
// that stream) each line starts with the sd-daemon priority prefix (<3> <4> <6> <7>) so
// journald files it at the right level. Thread-safe: bus owners and Paho threads log too.
// A line is always one line: control characters in it (newline, CR, ESC, ...) are written
// escaped (\n, \r, \xNN), so text from outside can never start a log line of its own.
#pragma once

#include <sstream>
#include <string>

namespace farmgate::log {

enum class Level { error = 3, warning = 4, info = 6, debug = 7 };

void write(Level level, const std::string& line);  // escapes `line` (escape_controls)
// `text` with every control character but tab escaped: \n \r, others \xNN (and DEL).
std::string escape_controls(const std::string& text);
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
