#include "tools/farmsim/simulator.h"

namespace farmsim {

void Simulator::set_fault(int unit, const Fault& fault) {
  UnitState& s = state_[unit];
  s.fault = fault;
  s.flaky_count = 0;  // "every other request" counts from the moment the fault is set
}

Fault Simulator::fault(int unit) const {
  auto it = state_.find(unit);
  return it == state_.end() ? Fault{} : it->second.fault;
}

UnitStats Simulator::stats(int unit) const {
  auto it = state_.find(unit);
  return it == state_.end() ? UnitStats{} : it->second.stats;
}

Response Simulator::handle(int unit, const Bytes& pdu) {
  UnitState& s = state_[unit];
  s.stats.requests++;
  ReplyPlan plan = plan_reply(s.fault, unit, &s.flaky_count);
  Response r;
  if (!plan.answer) return r;
  r.send = true;
  r.origin = unit;
  r.unit = plan.reply_unit >= 0 ? plan.reply_unit : unit;
  r.delay = plan.delay;
  r.corrupt_crc = plan.corrupt_crc;
  r.truncate = plan.truncate;
  if (plan.exception != 0) {
    r.pdu = exception_pdu(pdu[0], plan.exception);
  } else {
    r.pdu = process_pdu(bank_.unit(unit), pdu);
  }
  return r;
}

void Simulator::broadcast(const std::vector<int>& units, const Bytes& pdu) {
  if (!is_write_function(pdu[0])) return;
  for (int unit : units) {
    UnitState& s = state_[unit];
    s.stats.requests++;
    ReplyPlan plan = plan_reply(s.fault, unit, &s.flaky_count);
    if (plan.process && plan.exception == 0) process_pdu(bank_.unit(unit), pdu);
  }
}

void Simulator::count_reply(int unit, const Bytes& pdu) {
  UnitState& s = state_[unit];
  s.stats.replies++;
  if (!pdu.empty() && (pdu[0] & 0x80)) s.stats.exceptions++;
}

void Simulator::tick(std::chrono::milliseconds elapsed) {
  if (model_) model_->tick(bank_, elapsed);
}

}  // namespace farmsim
