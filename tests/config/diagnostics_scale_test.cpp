// A careless paste or a hostile file with 100k unknown keys took 37 s to check and stalled a
// reload's loop 32 s: the duplicate-key and the de-duplication lookups were quadratic. Timing
// is not asserted; the *growth* is: four times the keys must cost about four times the work
// (linear), far from sixteen (quadratic). A ratio with a wide margin, best of runs.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>

#include "config/loader.h"
#include "tests/support/temp_dir.h"

using namespace farmgate::config;
using farmgate::test::TempDir;

namespace {

std::string unknown_keys(int n) {
  std::string s = "gateway: { id: gw-1 }\nrules: []\n";
  for (int i = 0; i < n; ++i) s += "unknown_key_" + std::to_string(i) + ": 1\n";
  return s;
}

// Seconds to load `path`, the best of three; REQUIREs one error per key.
double load_seconds(const std::string& path, int keys) {
  LoadOptions o;
  o.shipped_profile_dirs.clear();
  double best = 1e9;
  for (int run = 0; run < 3; ++run) {
    const auto start = std::chrono::steady_clock::now();
    const LoadResult r = load(path, o);
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                              .count());
    REQUIRE(r.diagnostics.all().size() == static_cast<std::size_t>(keys));
  }
  return best;
}

}  // namespace

TEST_CASE("checking 4x the unknown keys costs about 4x, not 16x", "[config][scale]") {
  TempDir t;
  const int small = 20000, large = 80000;
  const std::string a = t.write("small.yaml", unknown_keys(small));
  const std::string b = t.write("large.yaml", unknown_keys(large));
  const double ts = load_seconds(a, small), tl = load_seconds(b, large);
  INFO("20k keys: " << ts << " s, 80k keys: " << tl << " s");
  CHECK(tl < 9 * ts);
}
