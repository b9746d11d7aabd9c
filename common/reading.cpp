#include "common/reading.h"

namespace farmgate {

const char* to_string(Quality q) {
  switch (q) {
    case Quality::good: return "good";
    case Quality::bad: return "bad";
    case Quality::error: return "error";
  }
  return "error";
}

}  // namespace farmgate
