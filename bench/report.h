// What every benchmark prints: one machine-readable line per figure,
//   BENCH <name> <value> <unit> baseline=<value> ratio=<value>
// where ratio = value / baseline, both measured in the same run (the machine is shared, so
// only ratios compare across runs). Plus small timing helpers.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace farmgate::bench {

void report(const std::string& name, double value, const std::string& unit, double baseline);

// --quick on the command line (bench/run passes it through).
bool quick(int argc, char** argv);

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The q-quantile (0..1) of `v` (sorted in place).
double quantile(std::vector<double>& v, double q);

}  // namespace farmgate::bench
