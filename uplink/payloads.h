// The JSON payloads of spec §5, built as one line of compact UTF-8 JSON each. Pure functions,
// no I/O. A key with no value is left out (a point without unit, a device without error),
// except a reading's `value`, which is null for an `error` reading. Times are Unix epoch ms.
#pragma once

#include <cstdint>
#include <map>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/store.h"
#include "uplink/resolution.h"

namespace farmgate::uplink {

// `telemetry`: {"gateway":ID,"readings":[{seq,point,ts,value,unit?,quality}...]}, in the
// order given (the forwarder gives them oldest first). A bool point's value is true/false.
// Values are written at their point's resolution (resolution.h); null: as they are.
std::string telemetry_payload(const std::string& gateway_id,
                              const std::vector<store::StoredReading>& readings,
                              const Resolutions* resolutions = nullptr);

// `events`: {seq,ts,type, ...the type's fields}, one event per message.
std::string event_payload(const store::StoredEvent& event);

// One device's health as `status` reports it.
struct DeviceHealth {
  std::int64_t ok = 0;      // successful reads
  std::int64_t errors = 0;  // failed reads
  std::string last_error;   // "" when none (then left out)
};

// What the link carried (spec §8), for `status`: topic + payload bytes of every PUBLISH
// (uplink/bytes_sent.h), today (local day) and since the uplink started.
struct LinkFigures {
  std::uint64_t bytes_today = 0;
  std::uint64_t bytes_since_start = 0;
  std::string broker;  // the broker in use, as written in uplink.url
};

// What the daemon knows about itself; the uplink adds the buffer figures.
struct StatusSnapshot {
  std::string version;          // farmgate's version
  std::int64_t started_ms = 0;  // when the daemon started
  std::string config_sha256;    // hex SHA-256 of the main file and rule files
  std::map<std::string, DeviceHealth> devices;
  // The latest reading of every point that has one (Sparkplug's births carry them).
  std::map<std::string, Reading> latest;
};

// Retained `status` on connect: {"state":"online","version":…,"started":…,"config":…}.
std::string online_status_payload(const StatusSnapshot& s);
// Retained `status` every status_interval: the online object plus
// "buffer":{"unsent","oldest_unsent_ts"?,"dropped","fault"} and
// "devices":{NAME:{ok,errors,last_error?}}. "fault" is {"message","since"} (the storage fault
// in force and since when, epoch ms) or null while the buffer is healthy. With `link`, also
// "uplink":{"bytes_sent":{"today","since_start"}}.
std::string periodic_status_payload(const StatusSnapshot& s, const store::BufferStats& buffer,
                                    const LinkFigures* link = nullptr);
// The same "devices" and "buffer" figures as an object, for the `status` command's result.
nlohmann::json status_figures(const StatusSnapshot& s, const store::BufferStats& buffer);
// The extra keys of a `read` command's ok result ({"id":…,"ok":true,...}): the reading's
// "value" (true/false for a bool point, null when it has none), "unit" (when it has one),
// "quality" and "ts". Built here with the other payloads so `read` speaks like telemetry,
// at the point's resolution too.
nlohmann::json read_reply(const Reading& r, const Resolution& resolution = {});
// The will, and what a clean stop publishes: {"state":"offline"}.
std::string offline_status_payload();

}  // namespace farmgate::uplink
