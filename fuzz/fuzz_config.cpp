#include "fuzz/fuzz_config.h"

#include <cstdio>
#include <cstdlib>

#include "config/loader.h"

namespace farmgate::fuzz {

const config::Config& example_config() {
  static const config::Config config = [] {
    auto r = config::load(FARMGATE_FUZZ_CONFIG);
    if (!r.config) {
      std::fprintf(stderr, "fuzz: the example config %s does not load\n", FARMGATE_FUZZ_CONFIG);
      std::abort();
    }
    return *r.config;
  }();
  return config;
}

}  // namespace farmgate::fuzz
