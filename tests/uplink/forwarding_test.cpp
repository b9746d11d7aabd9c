// End to end with a real mosquitto and a real store: what reaches the platform, in which
// order, and when the store lets go of it.
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

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

// The seqs received, first occurrences only (at-least-once may repeat one), in order.
std::vector<std::int64_t> first_occurrences(const std::vector<std::int64_t>& seqs) {
  std::set<std::int64_t> seen;
  std::vector<std::int64_t> out;
  for (auto s : seqs)
    if (seen.insert(s).second) out.push_back(s);
  return out;
}

bool contiguous_from(const std::vector<std::int64_t>& seqs, std::int64_t first, std::size_t n) {
  if (seqs.size() != n) return false;
  for (std::size_t i = 0; i < n; ++i)
    if (seqs[i] != first + static_cast<std::int64_t>(i)) return false;
  return true;
}

auto has_readings(std::size_t n) {
  return [n](const std::vector<ProbeMessage>& m) {
    return first_occurrences(test::telemetry_seqs(m)).size() >= n;
  };
}

// Persistence on, so the probe's session (and what is queued for it) survives a restart.
std::string persistent(const TempDir& dir) {
  return "persistence true\npersistence_location " + dir.path() + "/\n";
}

}  // namespace

TEST_CASE("readings arrive on telemetry in order with the spec payload, then leave the buffer",
          "[forwarder][mqtt]") {
  TempDir dir;
  Broker broker(dir.path());
  Probe probe(broker.url(), "farmgate/gw-test/#");
  Gateway gw(test::uplink_config(broker.url(), dir.file("buffer.db"), 4));
  gw.add_readings(10);
  CHECK(gw.stats().unsent == 10);
  gw.loop.on_loop([&] {
    gw.uplink->start();
    return 0;
  });

  REQUIRE(probe.wait_for(has_readings(10)));
  REQUIRE(test::wait_until([&] { return gw.stats().unsent == 0; }));
  auto telemetry = probe.on("telemetry");
  REQUIRE(telemetry.size() >= 3);  // 10 readings in batches of at most 4
  auto seqs = first_occurrences(test::telemetry_seqs(probe.messages()));
  CHECK(contiguous_from(seqs, seqs.front(), 10));
  CHECK(
      telemetry[0].payload ==
      R"({"gateway":"gw-test","readings":[)"
      R"({"seq":)" +
          std::to_string(seqs[0]) +
          R"(,"point":"pond1_do.do","ts":1764320400000,"value":5.0,"unit":"mg/L","quality":"good"},)"
          R"({"seq":)" +
          std::to_string(seqs[1]) +
          R"(,"point":"pond1_do.do","ts":1764320400001,"value":5.01,"unit":"mg/L","quality":"good"},)"
          R"({"seq":)" +
          std::to_string(seqs[2]) +
          R"(,"point":"pond1_do.do","ts":1764320400002,"value":5.02,"unit":"mg/L","quality":"good"},)"
          R"({"seq":)" +
          std::to_string(seqs[3]) +
          R"(,"point":"pond1_do.do","ts":1764320400003,"value":5.03,"unit":"mg/L","quality":"good"}]})");
  for (const auto& m : telemetry) CHECK(m.payload.find('\n') == std::string::npos);
}

TEST_CASE("events are delivered before the telemetry backlog", "[forwarder][mqtt]") {
  TempDir dir;
  Broker broker(dir.path());
  Probe probe(broker.url(), "farmgate/gw-test/#");
  Gateway gw(test::uplink_config(broker.url(), dir.file("buffer.db"), 50));
  gw.add_readings(400);
  gw.add_event(fault_event(1764320400500, "device", "timeout", "pond1_do"));
  gw.add_event(config_event(1764320400600, true, "rules reloaded"));
  gw.loop.on_loop([&] {
    gw.uplink->start();
    return 0;
  });

  REQUIRE(probe.wait_for(has_readings(400)));
  REQUIRE(probe.wait_for([](auto& m) {
    return std::count_if(m.begin(), m.end(),
                         [](auto& x) { return x.topic == test::topic("events"); }) >= 2;
  }));
  auto all = probe.messages();
  auto first_event = std::find_if(all.begin(), all.end(),
                                  [](auto& m) { return m.topic == test::topic("events"); });
  auto first_telemetry = std::find_if(all.begin(), all.end(),
                                      [](auto& m) { return m.topic == test::topic("telemetry"); });
  CHECK(first_event < first_telemetry);
  auto events = probe.on("events");
  auto e0 = nlohmann::json::parse(events[0].payload);
  auto e1 = nlohmann::json::parse(events[1].payload);
  CHECK(e0["type"] == "fault");
  CHECK(e0["device"] == "pond1_do");
  CHECK(e0["ts"] == 1764320400500);
  CHECK(e1["type"] == "config");
  CHECK(e1["seq"].get<std::int64_t>() > e0["seq"].get<std::int64_t>());
  REQUIRE(
      test::wait_until([&] { return gw.stats().unsent_events == 0 && gw.stats().unsent == 0; }));
}

TEST_CASE("a broker outage loses nothing: the backlog drains in order while live readings flow",
          "[forwarder][mqtt]") {
  TempDir dir;
  Broker broker(dir.path(), 0, persistent(dir));
  Probe probe(broker.url(), "farmgate/gw-test/telemetry", "probe-outage");
  Gateway gw(test::uplink_config(broker.url(), dir.file("buffer.db"), 50, 50));
  gw.loop.on_loop([&] {
    gw.uplink->start();
    return 0;
  });
  REQUIRE(test::wait_until([&] { return gw.connected(); }));

  gw.add_readings(20);
  REQUIRE(probe.wait_for(has_readings(20)));
  REQUIRE(test::wait_until([&] { return gw.stats().unsent == 0; }));

  broker.stop();
  REQUIRE(test::wait_until([&] { return !gw.connected(); }));
  // Readings keep coming while the broker is away; none can leave the buffer.
  for (int i = 0; i < 10; ++i) {
    gw.add_readings(500, 1764320500000 + i * 1000);
    CHECK(gw.stats().unsent == 500 * (i + 1));
  }

  broker.start();
  REQUIRE(test::wait_until([&] { return gw.connected(); }, std::chrono::seconds(20)));
  // Live readings added while the backlog is still draining.
  int live_batches = 0;
  while (gw.stats().unsent > 0 && live_batches < 20) {
    gw.add_readings(10, 1764320600000 + live_batches * 100);
    ++live_batches;
  }
  CHECK(live_batches > 0);
  const std::size_t total = 20 + 5000 + 10 * live_batches;
  REQUIRE(probe.wait_for(has_readings(total), 20000));
  REQUIRE(test::wait_until([&] { return gw.stats().unsent == 0; }));
  auto seqs = first_occurrences(test::telemetry_seqs(probe.messages()));
  CHECK(contiguous_from(seqs, seqs.front(), total));  // every seq, in order, no holes

  // `cmd` was subscribed again on the new connection (clean session).
  Probe platform(broker.url(), test::topic("cmd/result"));
  platform.publish(test::topic("cmd"), R"({"id":"c-after","op":"bogus"})");
  REQUIRE(platform.wait_for([](auto& m) { return !m.empty(); }));
  CHECK(platform.messages().front().payload.find(R"("id":"c-after","ok":false)") == 1);
}

TEST_CASE("a gateway started while the broker is down keeps trying and delivers once it is up",
          "[forwarder][mqtt]") {
  TempDir dir;
  Broker broker(dir.path(), 0, persistent(dir));
  Probe probe(broker.url(), test::topic("telemetry"), "probe-late-broker");
  broker.stop();
  Gateway gw(test::uplink_config(broker.url(), dir.file("buffer.db")));
  gw.add_readings(5);
  gw.loop.on_loop([&] {
    gw.uplink->start();
    return 0;
  });
  REQUIRE(test::wait_until([&] { return !gw.last_error().empty(); }));
  CHECK(gw.last_error().find("connect to mqtt://127.0.0.1:") == 0);
  CHECK(gw.stats().unsent == 5);
  broker.start();
  REQUIRE(test::wait_until([&] { return gw.connected(); }, std::chrono::seconds(20)));
  REQUIRE(probe.wait_for(has_readings(5)));
  REQUIRE(test::wait_until([&] { return gw.stats().unsent == 0; }));
  CHECK(gw.last_error().empty());
}
