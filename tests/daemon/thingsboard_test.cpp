// Profile thingsboard end to end (spec §8): the built daemon with farmsim and mosquitto in
// place of ThingsBoard's MQTT transport. RPC drives a relay coil; a broker outage loses
// nothing and every device is connected again afterwards.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <thread>

#include "tests/daemon/payload_checks.h"
#include "tests/daemon/site.h"

using namespace farmgate::test;

namespace {

std::vector<json> on_topic(const Probe& probe, const std::string& topic) {
  std::vector<json> out;
  for (const auto& m : probe.messages())
    if (m.topic == topic) out.push_back(json::parse(m.payload));
  return out;
}

std::vector<json> rpc_replies(const Probe& probe) {
  std::vector<json> out;
  for (const auto& j : on_topic(probe, "v1/gateway/rpc"))
    if (!j["data"].contains("method")) out.push_back(j);
  return out;
}

std::map<std::string, int> connects(const Probe& probe) {
  std::map<std::string, int> n;
  for (const auto& j : on_topic(probe, "v1/gateway/connect")) ++n[j["device"].get<std::string>()];
  return n;
}

GatewayOptions thingsboard() {
  GatewayOptions o;
  o.profile = "thingsboard";
  return o;
}

}  // namespace

TEST_CASE("thingsboard RPC set switches the relay coil and is answered on v1/gateway/rpc",
          "[daemon][thingsboard]") {
  Site site;
  site.write_config(thingsboard());
  Probe probe(site.broker().url(), "v1/#");
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  REQUIRE(wait_until([&] { return connects(probe).size() == 3; }, std::chrono::seconds(10)));
  CHECK_FALSE(site.coil(1, 0));

  probe.publish("v1/gateway/rpc",
                R"({"device":"pond1_relay","data":{"id":7,"method":"set","params":{"point":"aerator","value":true,"hold":"30m"}}})");
  REQUIRE(wait_until([&] { return rpc_replies(probe).size() == 1; }, std::chrono::seconds(10)));
  CHECK(rpc_replies(probe)[0] == json::parse(R"({"device":"pond1_relay","id":7,"data":{"ok":true}})"));
  CHECK(wait_until([&] { return site.coil(1, 0); }, std::chrono::seconds(5)));

  // Malformed: the reason comes back to the device, nothing changes.
  probe.publish("v1/gateway/rpc",
                R"({"device":"pond1_relay","data":{"id":8,"method":"set","params":{"point":"aerator","value":"on","hold":"30m"}}})");
  REQUIRE(wait_until([&] { return rpc_replies(probe).size() == 2; }, std::chrono::seconds(10)));
  CHECK(rpc_replies(probe)[1]["data"] ==
        json::parse(R"({"ok":false,"error":"pond1_relay.aerator is a bool point: `value` must be true or false"})"));
  CHECK(site.coil(1, 0));

  // Values arrive per device under the point's own name; the command became an event.
  REQUIRE(wait_until([&] {
    for (const auto& v : thingsboard_values(probe))
      if (v.rfind("pond1_relay.aerator@", 0) == 0) return true;
    return false;
  }));
  CHECK(wait_until([&] {
    for (const auto& t : on_topic(probe, "v1/devices/me/telemetry"))
      if (t["values"]["event"]["type"] == "command" && t["values"]["event"]["id"] == "7") return true;
    return false;
  }));
  CHECK(rpc_replies(probe).size() == 2);  // our own replies were not taken as requests
  CHECK(terminate(*daemon) == 0);
}

TEST_CASE("thingsboard: a broker outage loses no reading and every device is connected again",
          "[daemon][outage][thingsboard]") {
  Site site;
  site.write_config(thingsboard());
  Probe probe(site.broker().url(), "v1/#");
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  REQUIRE(wait_until([&] { return thingsboard_values(probe).size() >= 10; },
                     std::chrono::seconds(10)));
  REQUIRE(connects(probe) == std::map<std::string, int>{{"pond1_do", 1}, {"pond1_relay", 1}, {"water", 1}});

  const std::int64_t down_ms = now_ms();
  site.broker().stop();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const std::int64_t up_ms = now_ms();
  site.broker().start();

  REQUIRE(wait_until([&] { return connects(probe).size() == 3 && connects(probe)["water"] >= 2; },
                     std::chrono::seconds(20)));
  for (const auto& [device, n] : connects(probe)) {
    INFO(device);
    CHECK(n >= 2);
  }
  // Every value recorded during the outage arrives once the broker is back.
  auto outage = [&] {
    std::set<std::string> out;
    for (const auto& r : valued_readings(site.db_path(), max_reading_seq(site.db_path()))) {
      const std::int64_t ts = std::stoll(r.substr(r.find('@') + 1));
      if (ts >= down_ms && ts < up_ms) out.insert(r);
    }
    return out;
  };
  const auto recorded = outage();
  CHECK(recorded.size() >= 10);  // polling went on: 3 s at 200 ms for 3 devices
  REQUIRE(wait_until([&] {
    const auto got = thingsboard_values(probe);
    return std::includes(got.begin(), got.end(), recorded.begin(), recorded.end());
  }, std::chrono::seconds(15)));
  CHECK(terminate(*daemon) == 0);
}
