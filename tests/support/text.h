// Small string helpers the tests share.
#pragma once

#include <string>

namespace farmgate::test {

inline bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace farmgate::test
