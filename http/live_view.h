// What the on-site page and `farmgate status` show beyond the uplink's status figures
// (spec §9): the latest reading of every point and the raised alarms, as the daemon saw them
// go by. The daemon feeds it on its loop (every poll's readings, every recorded event); it
// holds one reading per configured point and one entry per raised alarm, so it stays small
// whatever the uptime. Not thread-safe: the loop owns it.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/event.h"
#include "common/reading.h"

namespace farmgate::http {

class LiveView {
 public:
  struct Alarm {
    std::string severity, message;
    std::int64_t since_ms = 0;
  };

  void on_reading(const Reading& r) { latest_[r.point] = r; }
  // `alarm` events raise and clear; every other event is ignored.
  void on_event(const Event& e);

  const std::map<std::string, Reading>& latest() const { return latest_; }
  const std::map<std::string, Alarm>& alarms() const { return alarms_; }

 private:
  std::map<std::string, Reading> latest_;
  std::map<std::string, Alarm> alarms_;
};

}  // namespace farmgate::http
