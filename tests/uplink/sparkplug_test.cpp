// Profile sparkplug (spec §8): every message the gateway sends is decoded by Eclipse Tahu's
// own codec (npm sparkplug-payload, tests/support/sparkplug/codec.js), and the platform's
// commands are encoded by it, against a real mosquitto.
#include <catch2/catch.hpp>

#include "common/clock.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/uplink/fixtures.h"
#include "tests/uplink/probe.h"
#include "tests/uplink/tahu_codec.h"
#include "uplink/profile.h"

using namespace farmgate;
using farmgate::test::Broker;
using farmgate::test::Gateway;
using farmgate::test::Probe;
using farmgate::test::ProbeMessage;
using farmgate::test::TempDir;
using farmgate::test::tahu_decode;
using farmgate::test::tahu_encode;
using json = nlohmann::json;

namespace {

config::Config sparkplug_config(const std::string& url, const std::string& db_path) {
  config::Config c = test::uplink_config(url.empty() ? "mqtt://127.0.0.1" : url, db_path);
  c.uplink->profile = config::UplinkProfile::sparkplug;
  c.uplink->group = "ponds";
  return c;
}

std::vector<json> of_type(const std::vector<json>& all, const std::string& type) {
  std::vector<json> out;
  for (const auto& m : all)
    if (m["topic"].get<std::string>().find("/" + type + "/") != std::string::npos)
      out.push_back(m);
  return out;
}

const json* metric(const json& message, const std::string& name) {
  for (const auto& m : message["payload"]["metrics"])
    if (m.value("name", "") == name) return &m;
  return nullptr;
}

store::StoredReading sp_reading(std::int64_t seq, const std::string& point, std::int64_t ts,
                            std::optional<double> value, Quality q) {
  store::StoredReading r;
  r.seq = seq;
  r.reading.point = point;
  r.reading.ts_ms = ts;
  r.reading.value = value;
  r.reading.quality = q;
  r.reading.boolean = point == "pond1_relay.aerator";
  return r;
}

std::vector<ProbeMessage> as_probe(const std::vector<uplink::Message>& ms) {
  std::vector<ProbeMessage> out;
  for (const auto& m : ms) out.push_back({m.topic, m.payload, m.retained});
  return out;
}

}  // namespace

TEST_CASE("sparkplug: NBIRTH, DBIRTH and the backlog as historical DDATA, read by Tahu's codec",
          "[sparkplug][mqtt]") {
  TempDir dir;
  Broker broker(dir.path());
  Gateway gw(sparkplug_config(broker.url(), dir.file("buffer.db")));
  Probe probe(broker.url(), "spBv1.0/#");
  gw.add_readings(3, 1764320400000);  // before the session: the backlog
  gw.start();
  REQUIRE(test::wait_until([&] { return gw.stats().unsent == 0; }));
  REQUIRE(probe.wait_for([](auto& m) { return m.size() >= 4; }));
  const auto all = tahu_decode(probe.messages());

  const auto nbirth = of_type(all, "NBIRTH");
  REQUIRE(nbirth.size() == 1);
  CHECK(nbirth[0]["topic"] == "spBv1.0/ponds/NBIRTH/gw-test");
  CHECK(nbirth[0]["payload"]["seq"] == 0);
  REQUIRE(metric(nbirth[0], "bdSeq"));
  CHECK((*metric(nbirth[0], "bdSeq"))["type"] == "UInt64");
  CHECK((*metric(nbirth[0], "bdSeq"))["value"] == 0);
  REQUIRE(metric(nbirth[0], "Node Control/Rebirth"));
  CHECK((*metric(nbirth[0], "Node Control/Rebirth"))["value"] == false);
  CHECK((*metric(nbirth[0], "Node Control/Rebirth"))["type"] == "Boolean");

  const auto dbirth = of_type(all, "DBIRTH");
  REQUIRE(dbirth.size() == 2);
  CHECK(dbirth[0]["topic"] == "spBv1.0/ponds/DBIRTH/gw-test/pond1_do");
  const json* d = metric(dbirth[0], "do");
  REQUIRE(d);
  CHECK((*d)["type"] == "Float");
  CHECK((*d)["properties"]["engUnit"]["value"] == "mg/L");
  CHECK((*d)["properties"]["readOnly"]["value"] == true);
  const json* aerator = metric(dbirth[1], "aerator");
  REQUIRE(aerator);
  CHECK((*aerator)["type"] == "Boolean");
  CHECK((*aerator)["properties"]["readOnly"]["value"] == false);

  // Readings by alias, with their own timestamps, marked historical.
  std::vector<json> values;
  for (const auto& m : of_type(all, "DDATA")) {
    CHECK(m["topic"] == "spBv1.0/ponds/DDATA/gw-test/pond1_do");
    for (const auto& v : m["payload"]["metrics"]) values.push_back(v);
  }
  REQUIRE(values.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(values[i]["alias"] == (*d)["alias"]);
    CHECK(values[i]["timestamp"] == 1764320400000 + static_cast<std::int64_t>(i));
    CHECK(values[i]["isHistorical"] == true);
    CHECK(values[i]["type"] == "Float");
  }
  CHECK(values[0]["value"].get<double>() == Approx(5.0));

  // seq: 0 at NBIRTH, then one more for every message, NDEATH aside.
  int expected = 0;
  for (const auto& m : all) {
    if (m["topic"].get<std::string>().find("/NDEATH/") != std::string::npos) continue;
    CHECK(m["payload"]["seq"] == expected);
    expected = (expected + 1) % 256;
  }
}

TEST_CASE("sparkplug: a dead device's DDEATH and its DBIRTH when it answers again, and seq wraps",
          "[sparkplug]") {
  auto config = sparkplug_config("", "x.db");
  auto p = uplink::sparkplug_profile(config);
  p->new_session();
  uplink::StatusSnapshot s;
  std::vector<uplink::Message> sent = p->on_connect(s);
  REQUIRE(sent.size() == 3);  // NBIRTH, two DBIRTHs (nothing known dead)
  const std::int64_t now = wall_ms() + 1000;
  auto add = [&](std::vector<uplink::Message> ms) {
    sent.insert(sent.end(), ms.begin(), ms.end());
    return ms.size();
  };
  CHECK(add(p->telemetry({sp_reading(1, "pond1_do.do", now, 5.5, Quality::good)})) == 1);
  CHECK(add(p->telemetry({sp_reading(2, "pond1_do.do", now + 1, std::nullopt, Quality::error)})) == 1);
  // Still dead: nothing to tell.
  CHECK(add(p->telemetry({sp_reading(3, "pond1_do.do", now + 2, std::nullopt, Quality::error)})) == 0);
  CHECK(add(p->telemetry({sp_reading(4, "pond1_do.do", now + 3, 6.25, Quality::bad)})) == 1);
  // A partial error of a live device: null with a bad quality, in its DDATA.
  CHECK(add(p->telemetry({sp_reading(5, "pond1_relay.aerator", now + 4, 1, Quality::good),
                          sp_reading(6, "pond1_relay.setpoint", now + 4, std::nullopt,
                                 Quality::error)})) == 1);
  const auto all = tahu_decode(as_probe(sent));
  REQUIRE(all.size() == 7);
  CHECK(all[3]["topic"] == "spBv1.0/ponds/DDATA/gw-test/pond1_do");
  CHECK(all[3]["payload"]["metrics"][0]["value"].get<double>() == Approx(5.5));
  CHECK_FALSE(all[3]["payload"]["metrics"][0].contains("isHistorical"));
  CHECK(all[4]["topic"] == "spBv1.0/ponds/DDEATH/gw-test/pond1_do");
  CHECK(all[5]["topic"] == "spBv1.0/ponds/DBIRTH/gw-test/pond1_do");
  const json* d = metric(all[5], "do");
  REQUIRE(d);
  CHECK((*d)["value"].get<double>() == Approx(6.25));
  CHECK((*d)["properties"]["Quality"]["value"] == 0);
  CHECK(all[6]["topic"] == "spBv1.0/ponds/DDATA/gw-test/pond1_relay");
  const json& relay = all[6]["payload"]["metrics"];
  REQUIRE(relay.size() == 2);
  CHECK(relay[0]["value"] == true);
  CHECK(relay[1]["value"].is_null());  // is_null, as Tahu reads it
  CHECK(relay[1]["properties"]["Quality"]["value"] == 0);
  for (std::size_t i = 0; i < all.size(); ++i) CHECK(all[i]["payload"]["seq"] == i);

  // 256 messages later the seq is 0 again.
  for (int i = 0; i < 256 - 7; ++i)
    p->telemetry({sp_reading(10 + i, "pond1_do.do", now + 10 + i, 5, Quality::good)});
  const auto wrapped = tahu_decode(as_probe(p->telemetry(
      {sp_reading(900, "pond1_do.do", now + 900, 5, Quality::good)})));
  CHECK(wrapped.at(0)["payload"]["seq"] == 0);
}

TEST_CASE("sparkplug: NDEATH is the will with the session's bdSeq, Rebirth and DCMD from Tahu",
          "[sparkplug][commands][mqtt]") {
  TempDir dir;
  Broker broker(dir.path());
  test::AcceptingHandler handler;
  Gateway gw(sparkplug_config(broker.url(), dir.file("buffer.db")), handler.handler());
  Probe probe(broker.url(), "spBv1.0/#");
  gw.start();
  REQUIRE(probe.wait_for([](auto& m) { return m.size() >= 3; }));

  SECTION("Node Control/Rebirth: NBIRTH (seq 0, same bdSeq) and every DBIRTH again") {
    probe.publish("spBv1.0/ponds/NCMD/gw-test",
                  tahu_encode({{"timestamp", 1},
                           {"metrics",
                            {{{"name", "Node Control/Rebirth"}, {"type", "Boolean"}, {"value", true}}}}}));
    REQUIRE(probe.wait_for([](auto& m) { return m.size() >= 7; }));
    const auto nbirth = of_type(tahu_decode(probe.messages()), "NBIRTH");
    REQUIRE(nbirth.size() == 2);
    CHECK(nbirth[1]["payload"]["seq"] == 0);
    CHECK((*metric(nbirth[1], "bdSeq"))["value"] == (*metric(nbirth[0], "bdSeq"))["value"]);
    CHECK(of_type(tahu_decode(probe.messages()), "DBIRTH").size() == 4);
  }
  SECTION("DCMD writes a writable metric as a set with command_hold; bad ones become events") {
    probe.publish("spBv1.0/ponds/DCMD/gw-test/pond1_relay",
                  tahu_encode({{"timestamp", 1},
                           {"metrics", {{{"name", "aerator"}, {"type", "Boolean"}, {"value", true}}}}}));
    // The handler runs on the loop: what it kept is read there too.
    auto seen = [&] { return gw.loop.on_loop([&] { return *handler.seen; }); };
    REQUIRE(test::wait_until([&] { return seen().size() == 1; }));
    const uplink::Command c = seen().front();
    CHECK(c.op == uplink::Op::set);
    CHECK(c.point == "pond1_relay.aerator");
    CHECK(c.value == 1);
    CHECK(c.hold == Duration{30 * 60 * 1000});

    probe.publish("spBv1.0/ponds/DCMD/gw-test/pond1_relay", "not protobuf \xff\xff\xff");
    probe.publish("spBv1.0/ponds/DCMD/gw-test/pond1_do",
                  tahu_encode({{"timestamp", 1},
                           {"metrics", {{{"name", "do"}, {"type", "Float"}, {"value", 9.5}}}}}));
    auto events = [&] {
      gw.loop.on_loop([&] { gw.store->commit(); });  // as the daemon does every commit_interval
      std::vector<std::string> out;
      for (const auto& m : of_type(tahu_decode(probe.messages()), "NDATA"))
        for (const auto& v : m["payload"]["metrics"])
          if (v["value"].is_string()) out.push_back(v["value"].get<std::string>());
      return out;
    };
    REQUIRE(test::wait_until([&] { return events().size() >= 3; }, std::chrono::seconds(20)));
    const auto texts = events();
    auto has = [&](const std::string& what) {
      for (const auto& t : texts)
        if (t.find(what) != std::string::npos) return true;
      return false;
    };
    CHECK(has("\"ok\":true"));
    CHECK(has("malformed Sparkplug payload"));
    CHECK(has("not writable"));
    CHECK(seen().size() == 1);
  }
  SECTION("a clean stop sends NDEATH with the bdSeq of the NBIRTH; a new session counts on") {
    gw.loop.on_loop([&] { gw.uplink->stop(); });
    REQUIRE(probe.wait_for([](auto& m) {
      for (const auto& x : m)
        if (x.topic.find("/NDEATH/") != std::string::npos) return true;
      return false;
    }));
    const auto all = tahu_decode(probe.messages());
    const auto death = of_type(all, "NDEATH");
    REQUIRE(death.size() == 1);
    CHECK((*metric(death[0], "bdSeq"))["value"] == (*metric(of_type(all, "NBIRTH")[0], "bdSeq"))["value"]);
  }
}
