// The seam for simple physics (the demo's fish pond and greenhouse): a Model owns no
// registers; every tick the main loop hands it the bank and the time elapsed, and it reads
// what clients wrote (an aerator coil) and updates what sensors show (dissolved oxygen).
// Runs on farmsim's only thread, between requests, so it needs no locks.
#pragma once

#include <chrono>

#include "tools/farmsim/register_bank.h"

namespace farmsim {

class Model {
 public:
  virtual ~Model() = default;
  virtual void tick(RegisterBank& bank, std::chrono::milliseconds elapsed) = 0;
};

}  // namespace farmsim
