// A LoadResult's diagnostics, one per line: what a failed CHECK prints.
#pragma once

#include <string>

#include "config/loader.h"

namespace farmgate::config::test {

inline std::string lines(const LoadResult& r) {
  std::string s;
  for (const auto& d : r.diagnostics.all()) s += d.str() + "\n";
  return s;
}

}  // namespace farmgate::config::test
