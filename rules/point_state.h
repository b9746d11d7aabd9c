// What the rules know about every point: the latest good value, whether it is stale, bad or
// still pending since start, and a short history of good values for avg/min/max/delta.
//
// Contract (spec §4):
//  - good reading: the value, usable until `stale_after` (the device's) passes without another.
//  - error reading: changes nothing; the last good value stays usable until it is stale.
//  - bad reading: the point is unknown at once, until the next good reading.
//  - no reading since start: pending until `stale_after` has passed since start, then unknown.
// Windows: avg/min/max over the good values of the last SPAN; computed only when the point
// itself is usable and its history reaches back to within one stale_after of the window's
// start. delta = latest - the last good value at or before now - SPAN, which must be no older
// than now - SPAN - stale_after. A window is never computed over part of its span. When the
// history falls short:
//  - pending while the window still reaches back into the start-up period (now - SPAN <
//    start + stale_after: the first reading was not even due yet then) — the history is
//    missing only because the engine has not run long enough, so a restart holds actuators;
//  - unknown afterwards (readings were missed), and at any time when the point itself is
//    stale or bad.
// Single-threaded, like the engine that owns it.
#pragma once

#include <deque>
#include <utility>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "common/reading.h"
#include "config/config.h"
#include "rules/expression.h"

namespace farmgate::rules {

class PointState {
 public:
  // `start` is when the engine started (pending points count from it).
  PointState(const config::Config& config, SteadyTime start);

  // How long history of `id` must be kept (the longest window reading it).
  void keep_history(const std::string& id, Duration span);

  void on_reading(const Reading& r, SteadyTime now);
  Value value(const std::string& id, SteadyTime now) const;
  Value window(WindowFn fn, const std::string& id, Duration span, SteadyTime now) const;

  // A point's state carried across a reload (engine_state.h): its latest value, bad flag and
  // window history, and the start its pending grace counts from.
  struct Carried {
    SteadyTime start{};          // the pending grace of a point never read counts from it
    SteadyTime history_from{};   // since when history was kept as long as `keep`
    Duration keep{0};
    bool has_good = false;
    bool bad = false;
    SteadyTime last_good{};
    double last = 0;
    std::deque<std::pair<SteadyTime, double>> history;
  };
  std::unordered_map<std::string, Carried> carried() const;
  // Takes over `c` for `id` (ignored for a point the config no longer has). Call after
  // keep_history. History kept shorter than now needed counts as started at `now`, so a
  // lengthened window is pending while it fills, as after a start.
  void restore(const std::string& id, const Carried& c, SteadyTime now);

 private:
  struct Sample {
    SteadyTime t;
    double v;
  };
  struct Entry {
    Duration stale_after{30000};
    Duration keep{0};
    SteadyTime start{};         // pending counts from it (the engine's start, or carried)
    SteadyTime history_from{};  // windows reaching back before it + stale_after are pending
    bool has_good = false;
    bool bad = false;
    SteadyTime last_good{};
    double last = 0;
    std::deque<Sample> history;
  };
  // The window's value from `e`'s history, or nothing when the history falls short.
  static std::optional<double> computed(WindowFn fn, const Entry& e, double latest, SteadyTime from);
  Entry* find(const std::string& id);
  const Entry* find(const std::string& id) const;

  std::unordered_map<std::string, Entry> points_;
};

}  // namespace farmgate::rules
