// Sparkplug B payloads read and written by Eclipse Tahu's own codec (npm sparkplug-payload,
// run by node: tests/support/sparkplug/codec.js), so that the tests check farmgate's protobuf
// with an implementation that is not farmgate's. Uses Catch's REQUIRE: call inside a test case.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/uplink/probe.h"

namespace farmgate::test {

// Each message as Tahu decodes it: {"topic": T, "payload": {"timestamp","seq","metrics"}}.
// The platform's own commands (…CMD/…), as a probe sees them too, are left out. REQUIREs that
// Tahu reads every message.
std::vector<nlohmann::json> tahu_decode(const std::vector<ProbeMessage>& messages);

// A payload of the platform's ({"timestamp","metrics":[{"name","type","value"}]}), encoded.
std::string tahu_encode(const nlohmann::json& payload);

// A probe's messages decoded as they arrive, each once: a test that polls while thousands
// come would otherwise decode them all again on every poll.
class TahuReader {
 public:
  explicit TahuReader(const Probe& probe) : probe_(probe) {}
  const std::vector<nlohmann::json>& messages();

 private:
  const Probe& probe_;
  std::size_t read_ = 0;  // probe messages decoded so far
  std::vector<nlohmann::json> decoded_;
};

}  // namespace farmgate::test
