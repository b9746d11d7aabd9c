// Other gateways' wire formats, computed on farmgate's own readings so that a benchmark can
// set farmgate's bytes per reading beside theirs on the very same data. Each counts whole
// MQTT PUBLISH packets (bench/mqtt_publish.h), nothing else (no CONNECT, keep-alive, status).
// Values are written at their point's resolution, as farmgate writes them.
#pragma once

#include <cstddef>
#include <vector>

#include "common/reading.h"
#include "config/config.h"

namespace farmgate::bench {

struct WireCount {
  std::size_t messages = 0;
  std::size_t bytes = 0;
};

// ThingsBoard's gateway MQTT API as a gateway that sends each poll as it comes: one message
// per device and poll on v1/gateway/telemetry, {"DEVICE":[{"ts":MS,"values":{POINT:V,…}}]}
// (farmgate's thingsboard profile writes it; it batches per publish_interval instead).
// `config` must have `uplink.profile: thingsboard`.
WireCount thingsboard_per_poll(const config::Config& config, const std::vector<Reading>& readings);

// Telegraf's modbus input through its MQTT output with `data_format = "json"` (no batching,
// the default): one metric per device and poll,
//   {"fields":{POINT:V,…},"name":"modbus",
//    "tags":{"host":…,"name":DEVICE,"slave_id":"U","type":"holding_register"},"timestamp":S}
// on telegraf/HOST/modbus; keys sorted (Go's maps), timestamp in seconds (the default
// json_timestamp_units), coils as 0/1, HOST the gateway id.
WireCount telegraf_json(const config::Config& config, const std::vector<Reading>& readings);

}  // namespace farmgate::bench
