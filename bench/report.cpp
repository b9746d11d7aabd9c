#include "bench/report.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace farmgate::bench {

void report(const std::string& name, double value, const std::string& unit, double baseline) {
  const double ratio = baseline != 0 ? value / baseline : 0;
  std::printf("BENCH %s %.6g %s baseline=%.6g ratio=%.4f\n", name.c_str(), value, unit.c_str(),
              baseline, ratio);
  std::fflush(stdout);
}

bool quick(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--quick") == 0) return true;
  return false;
}

double quantile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace farmgate::bench
