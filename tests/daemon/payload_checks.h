// Spec §5 as assertions: every payload the probe received is checked for its exact shape
// (keys, types, `value` null for error readings, `ts` epoch ms), then handed back parsed.
// The checks use Catch's REQUIRE/CHECK, so call them inside a test case.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/uplink/probe.h"
#include "tests/uplink/tahu_codec.h"

namespace farmgate::test {

using nlohmann::json;

// Every reading of every telemetry message, in arrival order (duplicates of at-least-once
// delivery included), each checked against §5.
std::vector<json> telemetry_readings(const Probe& probe);
std::set<std::int64_t> reading_seqs(const Probe& probe);
// The highest reading seq received so far (0: none yet).
std::int64_t newest_seq(const Probe& probe);
// Readings in arrival order with the duplicates of at-least-once delivery left out (what the
// platform keeps after de-duplicating by seq).
std::vector<json> first_deliveries(const Probe& probe);
// Every event, in arrival order, each checked against §5 (the fields of its type).
std::vector<json> events(const Probe& probe);
std::vector<json> events_of(const Probe& probe, const std::string& type);
// cmd/result payloads, parsed.
std::vector<json> command_results(const Probe& probe);
// The result of the command with that id, if it came.
std::optional<json> result_of(const Probe& probe, const std::string& id);
// The newest `status` payload (parsed), if any.
std::optional<json> latest_status(const Probe& probe);
// The newest periodic status (the one with "buffer"), if any.
std::optional<json> latest_periodic_status(const Probe& probe);

// Profile thingsboard: "DEVICE.POINT@TS" of every value received on v1/gateway/telemetry.
std::set<std::string> thingsboard_values(const Probe& probe);
// Profile sparkplug: "DEVICE.POINT@TS" of every value (null aside) of every DDATA and DBIRTH,
// as Tahu decodes them. A DDATA names its metrics by alias: each is looked up in its device's
// latest DBIRTH before it (REQUIREd to be there), as a Sparkplug host does.
std::set<std::string> sparkplug_values(TahuReader& reader);

// A reading's shape alone (also used on single readings).
void check_reading(const json& r);
void check_event(const json& e);
// Wall clock, epoch ms (what the daemon stamps readings with).
std::int64_t now_ms();
// A plausible epoch-ms timestamp: within a day of now.
bool is_epoch_ms(const json& ts);

}  // namespace farmgate::test
