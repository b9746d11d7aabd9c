// Report by exception (spec §8): which readings are worth the 4G link's money. A point with a
// `deadband` sends a reading only when it differs from the last value *sent* for that point
// by more than the deadband, or its quality changed, or `report_every` has passed since
// (by the readings' own timestamps); a point without one sends every reading.
//
// A reading held back stays in the buffer (replay sees it) and counts as handled: the
// forwarder marks it sent at once, so `unsent` does not grow with it.
//
// Each reading is decided once, in seq order: a resend after a reconnect or a failed
// publish sends again exactly what was decided "send" (what it held back is no longer
// unsent). The last-sent state lives in memory: after a restart the first reading of every
// point is sent, then the filter goes on from there. Owned by the forwarder; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/reading.h"
#include "config/config.h"
#include "store/store.h"

namespace farmgate::uplink {

struct ReportRule {
  double deadband = 0;              // in the point's unit
  std::int64_t report_every_ms = 0;
};
using ReportRules = std::unordered_map<std::string, ReportRule>;  // by point id

// The rules of the points that have a deadband.
ReportRules report_rules(const config::Config& config);

class ExceptionFilter {
 public:
  ExceptionFilter() = default;
  explicit ExceptionFilter(ReportRules rules) : rules_(std::move(rules)) {}
  // A reload: new rules; what was sent before still counts for the points kept.
  void set_rules(ReportRules rules) { rules_ = std::move(rules); }

  // Takes the readings that are not worth sending out of `batch` (oldest first, as the store
  // gives them) and returns their seqs, for the caller to mark handled.
  std::vector<std::int64_t> hold_back(std::vector<store::StoredReading>& batch);

  // One reading, decided now: true when it goes out (it becomes the point's last sent).
  bool worth_sending(const Reading& r);

 private:
  struct LastSent {
    std::optional<double> value;
    Quality quality = Quality::error;
    std::int64_t ts_ms = 0;
  };
  bool differs(const ReportRule& rule, const LastSent& last, const Reading& r) const;

  ReportRules rules_;
  std::unordered_map<std::string, LastSent> last_sent_;
  std::int64_t decided_through_ = 0;  // readings up to this seq are decided
};

}  // namespace farmgate::uplink
