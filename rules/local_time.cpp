#include "rules/local_time.h"

#include <algorithm>
#include <fstream>
#include <iterator>

namespace farmgate::rules {

TimeZone TimeZone::fixed(int offset_seconds) {
  TimeZone tz;
  tz.initial_offset_ = offset_seconds;
  return tz;
}

namespace {

std::int64_t be(const unsigned char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  if (n == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

}  // namespace

std::optional<TimeZone> TimeZone::load(const std::string& name, std::string* error,
                                       const std::string& zoneinfo_dir) {
  auto fail = [&](const std::string& why) -> std::optional<TimeZone> {
    if (error) *error = why;
    return std::nullopt;
  };
  if (name.find("..") != std::string::npos) return fail("invalid timezone name '" + name + "'");
  const std::string path = name.empty() ? "/etc/localtime" : zoneinfo_dir + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("unknown timezone '" + name + "' (no " + path + ")");
  std::vector<unsigned char> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t at = 0;
  // One header + data block; `wide` = the 64-bit block of version 2+ files.
  auto block = [&](bool wide, TimeZone* out) -> bool {
    if (b.size() < at + 44 || std::string(b.begin() + at, b.begin() + at + 4) != "TZif") return false;
    const unsigned char* h = b.data() + at + 20;
    std::int64_t isut = be(h, 4), isstd = be(h + 4, 4), leap = be(h + 8, 4), timecnt = be(h + 12, 4),
                 typecnt = be(h + 16, 4), charcnt = be(h + 20, 4);
    const int tsz = wide ? 8 : 4;
    const size_t len = timecnt * tsz + timecnt + typecnt * 6 + charcnt + leap * (tsz + 4) + isstd + isut;
    if (typecnt <= 0 || b.size() < at + 44 + len) return false;
    const unsigned char* d = b.data() + at + 44;
    if (out) {
      const unsigned char* idx = d + timecnt * tsz;
      const unsigned char* types = idx + timecnt;
      auto type_offset = [&](int i) { return static_cast<int>(be(types + 6 * i, 4)); };
      out->initial_offset_ = type_offset(0);
      for (std::int64_t i = 0; i < timecnt; ++i) {
        if (idx[i] >= typecnt) return false;
        out->transitions_.push_back(be(d + i * tsz, tsz));
        out->offsets_.push_back(type_offset(idx[i]));
      }
    }
    at += 44 + len;
    return true;
  };
  TimeZone tz;
  const bool v2 = b.size() > 4 && b[4] >= '2';
  if (!block(false, v2 ? nullptr : &tz)) return fail("'" + path + "' is not a TZif file");
  if (v2 && !block(true, &tz)) return fail("'" + path + "' is a damaged TZif file");
  return tz;
}

int TimeZone::offset_seconds(std::int64_t epoch_s) const {
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), epoch_s);
  if (it == transitions_.begin()) return initial_offset_;
  return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

std::int64_t TimeZone::local_minutes(std::int64_t wall_ms) const {
  std::int64_t s = wall_ms / 1000;
  std::int64_t local = s + offset_seconds(s);
  return local >= 0 ? local / 60 : (local - 59) / 60;
}

TimeZone::Span TimeZone::local_minutes_starting(std::int64_t utc_minute) const {
  const std::int64_t now = local_minutes(utc_minute * 60000);
  const std::int64_t before = local_minutes((utc_minute - 1) * 60000);
  if (now <= before) return {};  // the clock went back at this minute
  const std::int64_t s = utc_minute * 60;
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s);
  if (it != transitions_.begin()) {
    const auto i = static_cast<size_t>(it - transitions_.begin()) - 1;
    const int from = i == 0 ? initial_offset_ : offsets_[i - 1];
    const int to = offsets_[i];
    // Less time has passed since the clock went back than it went back by: this local
    // time has been seen already, before the transition.
    if (from > to && s - transitions_[i] < from - to) return {};
  }
  return {before + 1, now};
}

int TimeZone::minute_of_day(std::int64_t wall_ms) const {
  std::int64_t m = local_minutes(wall_ms) % 1440;
  return static_cast<int>(m < 0 ? m + 1440 : m);
}

}  // namespace farmgate::rules
