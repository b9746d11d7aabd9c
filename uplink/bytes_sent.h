// What the 4G link carried (spec §8: `status` carries `uplink.bytes_sent` so that a data plan
// can be watched). Counts what farmgate hands to the broker: the topic and payload bytes of
// every PUBLISH, resends included (they are paid again). Not counted: MQTT fixed headers and
// packet ids (2-5 bytes a message), CONNECT/SUBSCRIBE/PINGREQ, PUBACKs, TCP/IP and TLS
// overhead; the SIM's meter reads more. Plain data on the loop thread; not thread-safe.
#pragma once

#include <cstdint>

namespace farmgate::uplink {

class BytesSent {
 public:
  // `bytes` handed to the broker at `now_ms` (Unix ms).
  void add(std::uint64_t bytes, std::int64_t now_ms);
  // Since local midnight (the system's time zone) of `now_ms`'s day.
  std::uint64_t today(std::int64_t now_ms) const;
  std::uint64_t since_start() const { return total_; }

 private:
  std::uint64_t total_ = 0;
  std::uint64_t today_ = 0;
  std::int64_t day_ = -1;  // the local day today_ counts (local_day)
};

// The local calendar day of a Unix ms instant: equal for two instants of one day, different
// for two days (not contiguous across years).
std::int64_t local_day(std::int64_t unix_ms);

}  // namespace farmgate::uplink
