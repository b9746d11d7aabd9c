// Profile sparkplug end to end (spec §8): the built daemon with farmsim and mosquitto in
// place of a Sparkplug host's broker, every message read by Eclipse Tahu's codec. DCMD drives
// a relay coil; a unit that stops answering dies and is born again; a broker outage loses no
// reading and the node is born again with its next bdSeq.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/daemon/payload_checks.h"
#include "tests/daemon/site.h"

using namespace farmgate::test;

namespace {

constexpr const char* kNode = "spBv1.0/ponds/%s/test-gw";

std::string node_topic(const char* type) {
  char buf[128];
  std::snprintf(buf, sizeof buf, kNode, type);
  return buf;
}

std::vector<json> of_topic(TahuReader& reader, const std::string& topic) {
  std::vector<json> out;
  for (const auto& m : reader.messages())
    if (m["topic"] == topic) out.push_back(m);
  return out;
}

const json* metric(const json& message, const std::string& name) {
  for (const auto& m : message["payload"]["metrics"])
    if (m.value("name", "") == name) return &m;
  return nullptr;
}

// The §5 events the node sent: the node metric `event` of its NDATA (named by the alias its
// NBIRTH gave it), parsed.
std::vector<json> node_events(TahuReader& reader) {
  std::vector<json> out;
  const auto births = of_topic(reader, node_topic("NBIRTH"));
  REQUIRE_FALSE(births.empty());
  const json* event = metric(births.back(), "event");
  REQUIRE(event);
  CHECK((*event)["type"] == "String");
  for (const auto& m : of_topic(reader, node_topic("NDATA")))
    for (const auto& v : m["payload"]["metrics"])
      if (v["alias"] == (*event)["alias"]) out.push_back(json::parse(v["value"].get<std::string>()));
  return out;
}

// A site whose gateway speaks Sparkplug, and a host's view of it: everything on spBv1.0/#,
// decoded by Tahu. Each test starts the daemon itself (a retained command may go first).
struct SparkplugSite {
  SparkplugSite() : probe(site.broker().url(), "spBv1.0/#"), reader(probe) {
    GatewayOptions o;
    o.profile = "sparkplug";
    site.write_config(o);
  }
  Site site;
  Probe probe;
  TahuReader reader;
};

}  // namespace

TEST_CASE_METHOD(SparkplugSite, "sparkplug: the daemon's births, DCMD switching the relay coil, a silent unit's DDEATH and DBIRTH",
          "[daemon][sparkplug]") {
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));

  const std::string dbirth = node_topic("DBIRTH") + "/";
  REQUIRE(wait_until([&] { return of_topic(reader, dbirth + "water").size() == 1; },
                     std::chrono::seconds(10)));
  const auto nbirth = of_topic(reader, node_topic("NBIRTH"));
  REQUIRE(nbirth.size() == 1);
  CHECK(nbirth[0]["payload"]["seq"] == 0);
  REQUIRE(metric(nbirth[0], "bdSeq"));
  REQUIRE(of_topic(reader, dbirth + "pond1_do").size() == 1);
  REQUIRE(of_topic(reader, dbirth + "pond1_relay").size() == 1);
  const json water_birth = of_topic(reader, dbirth + "water")[0];
  const json* temperature = metric(water_birth, "temp");
  REQUIRE(temperature);
  CHECK((*temperature)["type"] == "Double");  // int16 raw, scaled 0.1: a Double metric

  // Values arrive per device, by alias, read over TCP and RTU alike.
  REQUIRE(wait_until([&] {
    const auto got = sparkplug_values(reader);
    auto has = [&](const std::string& point) {
      return std::any_of(got.begin(), got.end(),
                         [&](const std::string& v) { return v.rfind(point + "@", 0) == 0; });
    };
    return has("pond1_do.do") && has("water.temp") && has("pond1_relay.aerator");
  }, std::chrono::seconds(10)));

  SECTION("DCMD sets the aerator: the coil switches and the command is an event") {
    CHECK_FALSE(site.coil(1, 0));
    probe.publish(node_topic("DCMD") + "/pond1_relay",
                  tahu_encode({{"timestamp", now_ms()},
                               {"metrics", {{{"name", "aerator"}, {"type", "Boolean"}, {"value", true}}}}}));
    CHECK(wait_until([&] { return site.coil(1, 0); }, std::chrono::seconds(5)));
    const bool told = wait_until([&] {
      for (const auto& e : node_events(reader))
        if (e["type"] == "command" && e["point"] == "pond1_relay.aerator") return true;
      return false;
    }, std::chrono::seconds(10));
    INFO(json(node_events(reader)).dump());
    REQUIRE(told);
    // A value the point cannot take changes nothing and is told as a refused command.
    probe.publish(node_topic("DCMD") + "/pond1_relay",
                  tahu_encode({{"timestamp", now_ms()},
                               {"metrics", {{{"name", "aerator"}, {"type", "String"}, {"value", "off"}}}}}));
    REQUIRE(wait_until([&] {
      for (const auto& e : node_events(reader))
        if (e["type"] == "command" && e.value("ok", true) == false) return true;
      return false;
    }, std::chrono::seconds(10)));
    CHECK(site.coil(1, 0));
  }
  SECTION("a unit that stops answering is a DDEATH, and a DBIRTH when it answers again") {
    site.control("fault 3 silent");
    REQUIRE(wait_until([&] { return of_topic(reader, node_topic("DDEATH") + "/water").size() == 1; },
                       std::chrono::seconds(10)));
    site.control("fault 3 none");
    REQUIRE(wait_until([&] { return of_topic(reader, dbirth + "water").size() == 2; },
                       std::chrono::seconds(10)));
    const json rebirth = of_topic(reader, dbirth + "water")[1];
    const json* back = metric(rebirth, "temp");
    REQUIRE(back);
    CHECK((*back)["value"].get<double>() == Approx(21.5));
    // The other devices went on without a death.
    CHECK(of_topic(reader, node_topic("DDEATH") + "/pond1_do").empty());
  }
  // seq: one more for every message but NDEATH, 0 at the NBIRTH, across all of it.
  int expected = 0;
  for (const auto& m : reader.messages()) {
    if (m["topic"].get<std::string>().find("/NDEATH/") != std::string::npos) continue;
    INFO(m["topic"]);
    CHECK(m["payload"]["seq"] == expected);
    expected = (expected + 1) % 256;
  }
  CHECK(terminate(*daemon) == 0);
}

TEST_CASE_METHOD(SparkplugSite, "sparkplug: a broker outage loses no reading and the node is born again with the next bdSeq",
          "[daemon][outage][sparkplug]") {
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  REQUIRE(wait_until([&] { return sparkplug_values(reader).size() >= 10; },
                     std::chrono::seconds(10)));

  const std::int64_t down_ms = now_ms();
  site.broker().stop();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const std::int64_t up_ms = now_ms();
  site.broker().start();

  REQUIRE(wait_until([&] { return of_topic(reader, node_topic("NBIRTH")).size() == 2; },
                     std::chrono::seconds(20)));
  const auto births = of_topic(reader, node_topic("NBIRTH"));
  REQUIRE(metric(births[0], "bdSeq"));
  REQUIRE(metric(births[1], "bdSeq"));
  CHECK((*metric(births[1], "bdSeq"))["value"] > (*metric(births[0], "bdSeq"))["value"]);
  CHECK(births[1]["payload"]["seq"] == 0);

  // Every value recorded during the outage arrives, marked historical.
  std::set<std::string> recorded;
  for (const auto& r : valued_readings(site.db_path(), max_reading_seq(site.db_path()))) {
    const std::int64_t ts = std::stoll(r.substr(r.find('@') + 1));
    if (ts >= down_ms && ts < up_ms) recorded.insert(r);
  }
  CHECK(recorded.size() >= 10);  // polling went on: 3 s at 200 ms for 3 devices
  REQUIRE(wait_until([&] {
    const auto got = sparkplug_values(reader);
    return std::includes(got.begin(), got.end(), recorded.begin(), recorded.end());
  }, std::chrono::seconds(15)));
  bool historical = false;
  for (const auto& m : of_topic(reader, node_topic("DDATA") + "/pond1_do"))
    for (const auto& v : m["payload"]["metrics"])
      if (v.value("isHistorical", false) && v["timestamp"] >= down_ms && v["timestamp"] < up_ms)
        historical = true;
  CHECK(historical);
  CHECK(terminate(*daemon) == 0);
}

// What a careless platform engineer or an attacker does to the node: a DCMD left retained on
// the broker (it would switch the relay at every reconnect), and a flood of rebirth requests
// (each is every birth again, on a paid link).
TEST_CASE_METHOD(SparkplugSite, "sparkplug: a retained DCMD is refused and never written, a flood of rebirths is not a flood of births",
          "[daemon][sparkplug][commands]") {
  const std::string aerator_on =
      tahu_encode({{"timestamp", now_ms()},
                   {"metrics", {{{"name", "aerator"}, {"type", "Boolean"}, {"value", true}}}}});
  probe.publish(node_topic("DCMD") + "/pond1_relay", aerator_on, /*retained=*/true);
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));

  auto refused_retained = [&] {
    int n = 0;
    for (const auto& e : node_events(reader))
      if (e["type"] == "command" && e.dump().find("retained commands are refused") != std::string::npos) ++n;
    return n;
  };
  REQUIRE(wait_until([&] { return !of_topic(reader, node_topic("NBIRTH")).empty(); },
                     std::chrono::seconds(10)));
  REQUIRE(wait_until([&] { return refused_retained() == 1; }, std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::seconds(1));  // polls at 200 ms: it would show
  CHECK_FALSE(site.coil(1, 0));

  // 40 rebirth requests at once: the command rate (10 a second) lets a few through.
  const std::string rebirth =
      tahu_encode({{"timestamp", now_ms()},
                   {"metrics", {{{"name", "Node Control/Rebirth"}, {"type", "Boolean"}, {"value", true}}}}});
  for (int i = 0; i < 40; ++i) probe.publish(node_topic("NCMD"), rebirth);
  REQUIRE(wait_until([&] { return of_topic(reader, node_topic("NBIRTH")).size() >= 2; },
                     std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const std::size_t births = of_topic(reader, node_topic("NBIRTH")).size();
  CHECK(births <= 1 + 10 + 10);  // the first, then at most the rate's share of the flood
  CHECK(births < 1 + 40);
  // Every rebirth is whole: each NBIRTH is followed by the three DBIRTHs, seq from 0.
  CHECK(of_topic(reader, node_topic("DBIRTH") + "/water").size() == births);
  for (const auto& b : of_topic(reader, node_topic("NBIRTH"))) CHECK(b["payload"]["seq"] == 0);

  // The node still takes a live command afterwards, and the retained one stayed refused.
  probe.publish(node_topic("DCMD") + "/pond1_relay", aerator_on);
  CHECK(wait_until([&] { return site.coil(1, 0); }, std::chrono::seconds(5)));
  CHECK(refused_retained() == 1);
  CHECK(terminate(*daemon) == 0);
}
