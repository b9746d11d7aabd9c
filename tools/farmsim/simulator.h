// The simulated plant seen from the wire: the register bank, each unit's fault and counters,
// and the rule that turns one request into what the transport sends back. Transports (TCP,
// RTU) only frame bytes; everything a client can observe about a unit is decided here.
// Single-threaded, like the rest of farmsim.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <vector>

#include "tools/farmsim/faults.h"
#include "tools/farmsim/model.h"
#include "tools/farmsim/pdu.h"
#include "tools/farmsim/register_bank.h"

namespace farmsim {

struct UnitStats {
  long requests = 0;    // requests addressed to the unit (well-formed frames)
  long replies = 0;     // frames sent back (exceptions, corrupted and late ones included)
  long exceptions = 0;  // of which exception responses
};

// A reply for the transport to frame and send (or not).
struct Response {
  bool send = false;
  int origin = 0;  // the unit that answers (its counters)
  int unit = 0;    // unit id to put in the frame (differs under `wrongunit`)
  Bytes pdu;
  std::chrono::milliseconds delay{0};
  bool corrupt_crc = false;
  bool truncate = false;
};

class Simulator {
 public:
  RegisterBank& bank() { return bank_; }
  // True when the unit exists (named in the file's servers or units).
  bool has_unit(int unit) { return bank_.find(unit) != nullptr; }

  void set_fault(int unit, const Fault& fault);
  Fault fault(int unit) const;
  UnitStats stats(int unit) const;

  // A request for `unit`, which the calling transport serves. REQUIRES: pdu non-empty.
  Response handle(int unit, const Bytes& pdu);
  // A broadcast (RTU unit 0): write requests are applied to every unit in `units`; nothing
  // is ever answered.
  void broadcast(const std::vector<int>& units, const Bytes& pdu);
  // The transport calls this once it wrote a reply of `unit` (late ones: when written).
  void count_reply(int unit, const Bytes& pdu);

  void set_model(std::unique_ptr<Model> model) { model_ = std::move(model); }
  bool has_model() const { return model_ != nullptr; }
  void tick(std::chrono::milliseconds elapsed);

 private:
  struct UnitState {
    Fault fault;
    long flaky_count = 0;
    UnitStats stats;
  };
  RegisterBank bank_;
  std::map<int, UnitState> state_;
  std::unique_ptr<Model> model_;
};

}  // namespace farmsim
