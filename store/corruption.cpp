#include "store/corruption.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>

namespace farmgate::store {

void check_integrity(Db& db) {
  Stmt s(db, "PRAGMA quick_check(1)");
  std::string first = s.step() ? s.text(0) : "no answer";
  if (first != "ok") throw CorruptDatabase("integrity check failed: " + first);
}

std::string corrupt_name(const std::string& path, std::int64_t now_ms, const std::string& why) {
  std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  return path + "." + why + "-" + stamp;
}

std::string move_aside(const std::string& path, std::int64_t now_ms, const std::string& why) {
  namespace fs = std::filesystem;
  std::string base = corrupt_name(path, now_ms, why);
  std::string target = base;
  for (int n = 2; fs::exists(target) || fs::exists(target + "-wal"); ++n)
    target = base + "-" + std::to_string(n);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::string from = path + suffix;
    if (!fs::exists(from)) continue;
    if (std::rename(from.c_str(), (target + suffix).c_str()) != 0) {
      throw std::runtime_error("cannot move the " + why + " buffer " + from +
                               " aside: " + std::strerror(errno));
    }
  }
  return target;
}

}  // namespace farmgate::store
