#include "common/log.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace farmgate::log {
namespace {

std::atomic<bool> g_verbose{false};
std::mutex g_mutex;

// systemd sets JOURNAL_STREAM=DEV:INODE when stderr is connected to the journal.
bool stderr_is_journal() {
  const char* js = std::getenv("JOURNAL_STREAM");
  if (!js) return false;
  unsigned long dev = 0, ino = 0;
  if (std::sscanf(js, "%lu:%lu", &dev, &ino) != 2) return false;
  struct stat st {};
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  return st.st_dev == dev && st.st_ino == ino;
}

const char* level_name(Level l) {
  switch (l) {
    case Level::error: return "error";
    case Level::warning: return "warning";
    case Level::info: return "info";
    case Level::debug: return "debug";
  }
  return "info";
}

}  // namespace

std::string escape_controls(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
      static const char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void set_verbose(bool on) { g_verbose = on; }
bool verbose() { return g_verbose; }

void write(Level level, const std::string& line) {
  static const bool journal = stderr_is_journal();
  // Text from outside (a command's fields, a device's error, a broker's reason) is part of
  // many lines: escaping here, at the one place every line passes, means none of it can end
  // a line early and start a forged one (`\n<2>...` read by journald as a critical line).
  const std::string text = escape_controls(line);
  std::string out;
  if (journal) {
    out = "<" + std::to_string(static_cast<int>(level)) + ">" + text;
  } else {
    out = std::string(level_name(level)) + ": " + text;
  }
  out += '\n';
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

}  // namespace farmgate::log
