// Profile thingsboard (spec §8): the payloads as ThingsBoard's gateway API reads them, and the
// gateway against mosquitto standing in for ThingsBoard's MQTT transport (same topics, same
// QoS 1; ThingsBoard adds only the access-token check).
#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/uplink/fixtures.h"
#include "tests/uplink/probe.h"
#include "uplink/profile.h"

using namespace farmgate;
using farmgate::test::Broker;
using farmgate::test::Gateway;
using farmgate::test::Probe;
using farmgate::test::ProbeMessage;
using farmgate::test::TempDir;
using json = nlohmann::json;

namespace {

config::Config tb_config(const std::string& url, const std::string& db_path) {
  config::Config c = test::uplink_config(url.empty() ? "mqtt://127.0.0.1" : url, db_path);
  c.uplink->profile = config::UplinkProfile::thingsboard;
  return c;
}

store::StoredReading reading(std::int64_t seq, const std::string& point, std::int64_t ts,
                             std::optional<double> value, Quality q = Quality::good,
                             bool boolean = false) {
  store::StoredReading r;
  r.seq = seq;
  r.reading.point = point;
  r.reading.ts_ms = ts;
  r.reading.value = value;
  r.reading.quality = q;
  r.reading.boolean = boolean;
  return r;
}

std::vector<json> on_topic(const Probe& p, const std::string& topic) {
  std::vector<json> out;
  for (const auto& m : p.messages())
    if (m.topic == topic) out.push_back(json::parse(m.payload));
  return out;
}

// The one command a ThingsBoard RPC carries; nothing when it is no request.
std::optional<uplink::IncomingCommand> command(uplink::Profile& p, const std::string& payload,
                                               const config::Config& config) {
  uplink::Incoming in = p.incoming("v1/gateway/rpc", payload, config);
  if (in.commands.empty()) return std::nullopt;
  return in.commands.front();
}

// A batch that is one message on v1/gateway/telemetry: its payload.
std::string payload_of(const std::vector<uplink::Message>& messages) {
  REQUIRE(messages.size() == 1);
  CHECK(messages.front().topic == "v1/gateway/telemetry");
  return messages.front().payload;
}

}  // namespace

TEST_CASE("thingsboard telemetry groups a device's poll under one ts, by point name",
          "[thingsboard]") {
  auto p = uplink::thingsboard_profile(tb_config("", "x.db"));
  const std::string out = payload_of(p->telemetry({
      reading(1, "pond1_do.do", 1000, 5.5),
      reading(2, "pond1_relay.aerator", 1000, 1, Quality::good, true),
      reading(3, "pond1_relay.setpoint", 1000, 40),
      reading(4, "pond1_do.do", 2000, 5.25, Quality::bad),
      reading(5, "pond1_relay.aerator", 2000, 0, Quality::good, true),
  }));
  CHECK(out == R"({"pond1_do":[{"ts":1000,"values":{"do":5.5}},{"ts":2000,"values":{"do":5.25}}],)"
               R"("pond1_relay":[{"ts":1000,"values":{"aerator":true,"setpoint":40.0}},)"
               R"({"ts":2000,"values":{"aerator":false}}]})");
}

TEST_CASE("thingsboard telemetry leaves error readings out, and a batch of only errors is {}",
          "[thingsboard]") {
  auto p = uplink::thingsboard_profile(tb_config("", "x.db"));
  CHECK(payload_of(p->telemetry({reading(1, "pond1_do.do", 1000, std::nullopt, Quality::error),
                      reading(2, "pond1_relay.aerator", 1000, 1, Quality::good, true)})) ==
        R"({"pond1_relay":[{"ts":1000,"values":{"aerator":true}}]})");
  CHECK(payload_of(p->telemetry({reading(1, "pond1_do.do", 1000, std::nullopt, Quality::error)})) == "{}");
}

TEST_CASE("thingsboard events are the gateway's telemetry key `event`", "[thingsboard]") {
  auto p = uplink::thingsboard_profile(tb_config("", "x.db"));
  store::StoredEvent e{88, Event{1500, "config", json{{"state", "reloaded"}}}};
  CHECK(p->event(e).topic == "v1/devices/me/telemetry");
  CHECK(p->event(e).payload ==
        R"({"ts":1500,"values":{"event":{"seq":88,"ts":1500,"type":"config","state":"reloaded"}}})");
}

TEST_CASE("a thingsboard RPC becomes the §5 command, checked the same way", "[thingsboard]") {
  const auto config = tb_config("", "x.db");
  auto p = uplink::thingsboard_profile(config);
  auto in = command(*p, 
      R"({"device":"pond1_relay","data":{"id":7,"method":"set","params":{"point":"aerator","value":true,"hold":"30m"}}})",
      config);
  REQUIRE(in);
  REQUIRE(std::holds_alternative<uplink::Command>(in->parsed));
  const auto& c = std::get<uplink::Command>(in->parsed);
  CHECK(c.id == "7");
  CHECK(c.op == uplink::Op::set);
  CHECK(c.point == "pond1_relay.aerator");
  CHECK(c.value == 1);
  CHECK(in->key == "pond1_relay/7");
  CHECK(*p->answer(in->reply_to, R"({"id":"7","ok":true})") ==
        R"({"device":"pond1_relay","id":7,"data":{"ok":true}})");

  SECTION("a wrong value is refused with the reason, answered to the device") {
    auto bad = command(*p, 
        R"({"device":"pond1_relay","data":{"id":8,"method":"set","params":{"point":"aerator","value":3,"hold":"30m"}}})",
        config);
    REQUIRE(bad);
    REQUIRE(std::holds_alternative<uplink::Refusal>(bad->parsed));
    const auto& r = std::get<uplink::Refusal>(bad->parsed);
    CHECK(r.error == "pond1_relay.aerator is a bool point: `value` must be true or false");
    CHECK(*p->answer(bad->reply_to, uplink::refusal_payload(r)) ==
          R"({"device":"pond1_relay","id":8,"data":{"ok":false,"error":"pond1_relay.aerator is a bool point: `value` must be true or false"}})");
  }
  SECTION("an unknown method, a duplicate key") {
    auto unknown = command(*p, R"({"device":"pond1_relay","data":{"id":9,"method":"reboot"}})", config);
    REQUIRE(unknown);
    CHECK(std::get<uplink::Refusal>(unknown->parsed).error ==
          "unknown method (expected set, release, read or status)");
    auto twice = command(*p, 
        R"({"device":"pond1_relay","data":{"id":10,"method":"set","params":{"point":"aerator","value":false,"value":true,"hold":"1m"}}})",
        config);
    REQUIRE(twice);
    CHECK(std::get<uplink::Refusal>(twice->parsed).error ==
          "duplicate key \"value\": a key may appear once in an object");
  }
  SECTION("a request over 4 KiB is refused by its size; a long reply of ours is still ignored") {
    const std::string pad(5000, 'x');
    auto big = command(*p, R"({"device":"pond1_relay","data":{"id":11,"method":"status","params":{"pad":")" +
                              pad + R"("}}})",
                          config);
    REQUIRE(big);
    CHECK(std::get<uplink::Refusal>(big->parsed).error.find("over the limit of 4096") !=
          std::string::npos);
    CHECK(big->reply_to == json{{"device", "pond1_relay"}, {"id", 11}});
    CHECK_FALSE(command(*p, R"({"device":"pond1_do","id":9,"data":{"ok":true,"pad":")" + pad +
                               R"("}})",
                           config));
  }
  SECTION("our own replies on the same topic are no requests") {
    CHECK_FALSE(command(*p, R"({"device":"pond1_relay","id":7,"data":{"ok":true}})", config));
    CHECK_FALSE(command(*p, R"({"device":"pond1_relay","id":7})", config));
  }
}

TEST_CASE("thingsboard: every device is connected on every connect, also after a broker restart",
          "[thingsboard][mqtt]") {
  TempDir dir;
  Broker broker(dir.path());
  Gateway gw(tb_config(broker.url(), dir.file("buffer.db")));
  Probe probe(broker.url(), "v1/#");
  gw.start();
  auto connects = [&] { return on_topic(probe, "v1/gateway/connect"); };
  REQUIRE(probe.wait_for([&](auto&) { return connects().size() >= 2; }));
  CHECK(connects() == std::vector<json>{{{"device", "pond1_do"}}, {{"device", "pond1_relay"}}});
  auto attributes = on_topic(probe, "v1/devices/me/attributes");
  REQUIRE_FALSE(attributes.empty());
  CHECK(attributes.front()["state"] == "online");

  broker.stop();
  REQUIRE(test::wait_until([&] { return !gw.connected(); }));
  broker.start();
  Probe again(broker.url(), "v1/gateway/connect");
  REQUIRE(again.wait_for([](auto& m) { return m.size() >= 2; }, 20000));
}

TEST_CASE("thingsboard: readings reach v1/gateway/telemetry and leave the buffer acknowledged",
          "[thingsboard][mqtt]") {
  TempDir dir;
  Broker broker(dir.path());
  Gateway gw(tb_config(broker.url(), dir.file("buffer.db")));
  Probe probe(broker.url(), "v1/#");
  gw.add_readings(3, 1764320400000);
  gw.start();
  REQUIRE(test::wait_until([&] { return gw.stats().unsent == 0; }));
  std::vector<json> values;
  for (const auto& t : on_topic(probe, "v1/gateway/telemetry"))
    for (const auto& entry : t["pond1_do"]) values.push_back(entry);
  REQUIRE(values.size() == 3);
  CHECK(values[0] == json{{"ts", 1764320400000}, {"values", {{"do", 5.0}}}});
  CHECK(values[2]["ts"] == 1764320400002);
}

TEST_CASE("thingsboard RPC: answered on the same topic, malformed ones ok:false, own replies "
          "ignored",
          "[thingsboard][commands][mqtt]") {
  TempDir dir;
  Broker broker(dir.path());
  test::AcceptingHandler handler;
  Gateway gw(tb_config(broker.url(), dir.file("buffer.db")), handler.handler());
  Probe probe(broker.url(), "v1/gateway/rpc");
  gw.start();
  auto replies = [&] {
    std::vector<json> out;
    for (const auto& j : on_topic(probe, "v1/gateway/rpc"))
      if (!j["data"].contains("method")) out.push_back(j);
    return out;
  };
  probe.publish("v1/gateway/rpc",
                R"({"device":"pond1_relay","data":{"id":7,"method":"set","params":{"point":"aerator","value":true,"hold":"30m"}}})");
  REQUIRE(probe.wait_for([&](auto&) { return replies().size() == 1; }));
  CHECK(replies()[0] == json::parse(R"({"device":"pond1_relay","id":7,"data":{"ok":true}})"));

  probe.publish("v1/gateway/rpc",
                R"({"device":"pond1_relay","data":{"id":8,"method":"set","params":{"point":"nope","value":true,"hold":"30m"}}})");
  REQUIRE(probe.wait_for([&](auto&) { return replies().size() == 2; }));
  CHECK(replies()[1] == json::parse(
                            R"({"device":"pond1_relay","id":8,"data":{"ok":false,"error":"unknown point pond1_relay.nope"}})"));

  // A third request after both replies went round: had a reply been taken for a request,
  // its refusal would have come before this one's answer.
  probe.publish("v1/gateway/rpc", R"({"device":"pond1_do","data":{"id":9,"method":"status"}})");
  REQUIRE(probe.wait_for([&](auto&) { return replies().size() == 3; }));
  CHECK(replies()[2]["id"] == 9);
  CHECK(replies()[2]["data"]["ok"] == true);
  CHECK(replies().size() == 3);
  CHECK(gw.loop.on_loop([&] { return handler.seen->size(); }) == 2);
}
