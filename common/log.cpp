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

void set_verbose(bool on) { g_verbose = on; }
bool verbose() { return g_verbose; }

void write(Level level, const std::string& line) {
  static const bool journal = stderr_is_journal();
  std::string out;
  if (journal) {
    out = "<" + std::to_string(static_cast<int>(level)) + ">" + line;
  } else {
    out = std::string(level_name(level)) + ": " + line;
  }
  out += '\n';
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

}  // namespace farmgate::log
