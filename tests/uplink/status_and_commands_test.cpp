// `status` (retained online, periodic, offline by stop or by will) and the `cmd` topic, end
// to end with mosquitto.
#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/uplink/fixtures.h"
#include "tests/uplink/probe.h"

using namespace farmgate;
using farmgate::test::Broker;
using farmgate::test::Gateway;
using farmgate::test::Probe;
using farmgate::test::ProbeMessage;
using farmgate::test::TempDir;

namespace {

const std::string kOnline =
    R"({"state":"online","version":"0.1.0-test","started":1764320000000,"config":")" +
    std::string(64, 'a') + R"("})";

auto has_status(const std::string& payload) {
  return [payload](const std::vector<ProbeMessage>& m) {
    return std::any_of(m.begin(), m.end(), [&](auto& x) {
      return x.topic == test::topic("status") && x.payload == payload;
    });
  };
}

}  // namespace

TEST_CASE("status: retained online on connect, periodic with buffer and devices, offline on stop",
          "[status][mqtt]") {
  TempDir dir;
  Broker broker(dir.path());
  Gateway gw(test::uplink_config(broker.url(), dir.file("buffer.db"), 500, 100, 200));
  gw.loop.on_loop([&] {
    gw.uplink->start();
    return 0;
  });
  REQUIRE(test::wait_until([&] { return gw.connected(); }));

  // A platform that subscribes later still learns the state: it is retained.
  Probe late(broker.url(), test::topic("status"));
  REQUIRE(late.wait_for([](auto& m) { return !m.empty(); }));
  CHECK(late.messages().front().retained);
  auto first = nlohmann::json::parse(late.messages().front().payload);
  CHECK(first["state"] == "online");

  REQUIRE(late.wait_for([](auto& m) {
    return std::any_of(m.begin(), m.end(),
                       [](auto& x) { return x.payload.find("\"buffer\"") != std::string::npos; });
  }));
  auto received = late.messages();
  auto periodic = std::find_if(received.begin(), received.end(), [](auto& x) {
    return x.payload.find("\"buffer\"") != std::string::npos;
  });
  auto j = nlohmann::json::parse(periodic->payload);
  CHECK(j["state"] == "online");
  CHECK(j["version"] == "0.1.0-test");
  CHECK(j["buffer"] == nlohmann::json{{"unsent", 0}, {"dropped", 0}, {"fault", nullptr}});
  CHECK(j["devices"]["pond1_do"] ==
        nlohmann::json{{"ok", 12}, {"errors", 1}, {"last_error", "timeout"}});

  gw.loop.on_loop([&] {
    gw.uplink->stop();
    return 0;
  });
  REQUIRE(late.wait_for(has_status(R"({"state":"offline"})")));
  Probe later(broker.url(), test::topic("status"));
  REQUIRE(later.wait_for([](auto& m) { return !m.empty(); }));
  CHECK(later.messages().front().payload == R"({"state":"offline"})");
  CHECK(later.messages().front().retained);
}

TEST_CASE("the online status on connect is exactly the spec's object", "[status][mqtt]") {
  TempDir dir;
  Broker broker(dir.path());
  Probe probe(broker.url(), test::topic("status"));
  Gateway gw(test::uplink_config(broker.url(), dir.file("buffer.db")));
  gw.loop.on_loop([&] {
    gw.uplink->start();
    return 0;
  });
  REQUIRE(probe.wait_for(has_status(kOnline)));
}

TEST_CASE("the will marks the gateway offline when its connection dies uncleanly",
          "[status][mqtt]") {
  TempDir dir;
  Broker broker(dir.path());
  // The gateway reaches the broker through a TCP relay; killing the relay drops the
  // connection without DISCONNECT, as a dead 4G link or a kill -9 would.
  int relay_port = test::free_tcp_port();
  auto relay = std::make_unique<test::Process>(std::vector<std::string>{
      "socat", "TCP-LISTEN:" + std::to_string(relay_port) + ",bind=127.0.0.1,reuseaddr,fork",
      "TCP:127.0.0.1:" + std::to_string(broker.port())});
  REQUIRE(test::wait_for_tcp_port(relay_port));
  Probe probe(broker.url(), test::topic("status"));
  Gateway gw(
      test::uplink_config("mqtt://127.0.0.1:" + std::to_string(relay_port), dir.file("buffer.db")));
  gw.loop.on_loop([&] {
    gw.uplink->start();
    return 0;
  });
  REQUIRE(probe.wait_for(has_status(kOnline)));

  relay.reset();  // SIGTERM, then the whole process group: both sockets close
  REQUIRE(probe.wait_for(has_status(R"({"state":"offline"})")));
  REQUIRE(test::wait_until([&] { return !gw.connected(); }));
}

TEST_CASE("commands: a valid one is handled and answered, a refused one answered and recorded",
          "[commands][mqtt]") {
  TempDir dir;
  Broker broker(dir.path());
  Probe probe(broker.url(), "farmgate/gw-test/#");
  std::vector<uplink::Command> handled;
  Gateway gw(test::uplink_config(broker.url(), dir.file("buffer.db")),
             [&](const uplink::Command& c, uplink::Uplink::Reply reply) {
               handled.push_back(c);  // on the loop thread
               if (c.op == uplink::Op::read) {
                 reply(uplink::Outcome{true, "", {{"value", 5.62}}});
               } else {
                 reply(uplink::Outcome{});
               }
             });
  gw.loop.on_loop([&] {
    gw.uplink->start();
    return 0;
  });
  // The online status is published after the SUBSCRIBE on the same connection.
  REQUIRE(probe.wait_for(has_status(kOnline)));

  probe.publish(
      test::topic("cmd"),
      R"({"id":"c-17","op":"set","point":"pond1_relay.aerator","value":true,"hold":"30m"})");
  probe.publish(test::topic("cmd"),
                R"({"id":"c-18","op":"set","point":"pond1_do.do","value":1,"hold":"30m"})");
  probe.publish(test::topic("cmd"), R"({"id":"c-19","op":"read","point":"pond1_do.do"})");
  probe.publish(test::topic("cmd"), "not json");

  REQUIRE(probe.wait_for([&](auto&) { return probe.on("cmd/result").size() >= 4; }));
  auto results = probe.on("cmd/result");
  CHECK(results[0].payload == R"({"id":"c-17","ok":true})");
  CHECK(results[1].payload == R"({"id":"c-18","ok":false,"error":"pond1_do.do is not writable"})");
  CHECK(results[2].payload == R"({"id":"c-19","ok":true,"value":5.62})");
  CHECK(results[3].payload == R"({"ok":false,"error":"malformed JSON"})");

  auto count = gw.loop.on_loop([&] { return handled.size(); });
  CHECK(count == 2);
  CHECK(gw.loop.on_loop([&] { return handled[0].hold; }) == std::chrono::minutes(30));

  // Every command, accepted or refused, becomes a `command` event the platform receives.
  gw.loop.on_loop([&] { return gw.store->commit(); });
  REQUIRE(probe.wait_for([&](auto&) { return probe.on("events").size() >= 4; }));
  auto events = probe.on("events");
  auto e1 = nlohmann::json::parse(events[1].payload);
  CHECK(e1["type"] == "command");
  CHECK(e1["id"] == "c-18");
  CHECK(e1["op"] == "set");
  CHECK(e1["point"] == "pond1_do.do");
  CHECK(e1["ok"] == false);
  CHECK(e1["error"] == "pond1_do.do is not writable");
  auto e3 = nlohmann::json::parse(events[3].payload);
  CHECK(e3["error"] == "malformed JSON");
  CHECK_FALSE(e3.contains("id"));
}
