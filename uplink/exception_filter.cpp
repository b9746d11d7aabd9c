#include "uplink/exception_filter.h"

#include <algorithm>
#include <cmath>

namespace farmgate::uplink {

ReportRules report_rules(const config::Config& config) {
  ReportRules rules;
  for (const auto& d : config.devices)
    for (const auto& p : d.points)
      if (p.deadband) rules[p.id] = ReportRule{*p.deadband, p.report_every.count()};
  return rules;
}

std::vector<std::int64_t> ExceptionFilter::hold_back(std::vector<store::StoredReading>& batch) {
  std::vector<std::int64_t> held;
  std::vector<store::StoredReading> kept;
  kept.reserve(batch.size());
  for (auto& sr : batch) {
    // Decided before and still unsent: it was decided "send" (a resend).
    const bool send = sr.seq <= decided_through_ || worth_sending(sr.reading);
    if (sr.seq > decided_through_) decided_through_ = sr.seq;
    if (send) {
      kept.push_back(std::move(sr));
    } else {
      held.push_back(sr.seq);
    }
  }
  batch = std::move(kept);
  return held;
}

bool ExceptionFilter::worth_sending(const Reading& r) {
  auto rule = rules_.find(r.point);
  if (rule == rules_.end()) return true;
  auto last = last_sent_.find(r.point);
  if (last == last_sent_.end() || differs(rule->second, last->second, r)) {
    last_sent_[r.point] = LastSent{r.value, r.quality, r.ts_ms};
    return true;
  }
  return false;
}

bool ExceptionFilter::differs(const ReportRule& rule, const LastSent& last,
                              const Reading& r) const {
  if (r.quality != last.quality) return true;  // always news
  const std::int64_t age = r.ts_ms - last.ts_ms;
  // A clock stepped back would otherwise hold a point silent until it caught up.
  if (age < 0 || age >= rule.report_every_ms) return true;
  if (r.value.has_value() != last.value.has_value()) return true;
  if (!r.value) return false;  // two errors in a row: nothing new
  // A change of exactly the deadband is within it, binary fractions notwithstanding
  // (5.2 - 5.0 is 0.2000000000000002).
  const double slack = 1e-9 * std::max(1.0, std::fabs(*last.value));
  return std::fabs(*r.value - *last.value) > rule.deadband + slack;
}

}  // namespace farmgate::uplink
