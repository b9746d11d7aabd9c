// config::load on a file holding the input: every input gives a result (a config or
// diagnostics), never a crash, a hang or an exception. The loader takes a path, so the
// input is written to a private file first (tmpfs when there is one).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

#include "config/loader.h"

namespace {

std::string scratch_path() {
  const char* dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  return std::string(dir) + "/farmgate-fuzz-config-" + std::to_string(getpid()) + ".yaml";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = scratch_path();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  if (size) std::fwrite(data, 1, size, f);
  std::fclose(f);
  // No shipped profiles: only what the input names (relative folders resolve next to the file).
  farmgate::config::LoadOptions options;
  options.shipped_profile_dirs.clear();
  auto r = farmgate::config::load(path, options);
  if (r.config.has_value() == r.diagnostics.has_errors()) __builtin_trap();
  return 0;
}
