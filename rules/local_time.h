// Local time of day for schedules (`at`, `time between`) in the gateway's timezone.
// Reads the zone's TZif file from /usr/share/zoneinfo once (TimeZone::load) and converts
// with pure arithmetic afterwards: no TZ environment variable, no localtime_r, thread-safe.
// Limitation: the TZif footer (POSIX rule for dates after the last listed transition) is
// not interpreted; Debian's tzdata is built "fat" (transitions listed up to 2037), so this
// matters only past 2037 or with "slim" zone files, where the last known offset is used.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace farmgate::rules {

class TimeZone {
 public:
  static TimeZone utc() { return fixed(0); }
  static TimeZone fixed(int offset_seconds);
  // "Asia/Shanghai"; "" = the system's (/etc/localtime). nullopt (and *error) when unreadable.
  static std::optional<TimeZone> load(const std::string& name, std::string* error = nullptr,
                                      const std::string& zoneinfo_dir = "/usr/share/zoneinfo");

  int offset_seconds(std::int64_t epoch_s) const;
  // Minutes since the local epoch (monotonic in wall time except at DST changes).
  std::int64_t local_minutes(std::int64_t wall_ms) const;
  // Minute of the local day, 0..1439.
  int minute_of_day(std::int64_t wall_ms) const;

  // The local minutes (as local_minutes counts them) that begin during the UTC minute
  // `utc_minute` (epoch seconds / 60), for schedules that must fire once per local time:
  //  - usually exactly one;
  //  - none while a repeated hour passes for the second time (DST ends: 02:00-02:59 in
  //    Europe/Berlin occur twice; only the first pass counts);
  //  - at the end of a gap (DST starts: 02:00-02:59 do not occur), the skipped minutes
  //    together with the first minute after the gap, so a time in the gap happens at 03:00.
  struct Span {
    std::int64_t first = 1, last = 0;  // inclusive; first > last = none
    bool empty() const { return first > last; }
  };
  Span local_minutes_starting(std::int64_t utc_minute) const;

 private:
  std::vector<std::int64_t> transitions_;  // epoch seconds, ascending
  std::vector<int> offsets_;               // UTC offset from each transition on
  int initial_offset_ = 0;
};

}  // namespace farmgate::rules
