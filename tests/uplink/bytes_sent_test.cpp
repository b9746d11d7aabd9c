// `status` carries `uplink.bytes_sent` (spec §8): what the link carried today and since start.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/uplink/fixtures.h"
#include "tests/uplink/probe.h"
#include "uplink/bytes_sent.h"

using namespace farmgate;

TEST_CASE("bytes sent today start again at local midnight, since start never do",
          "[bytes_sent]") {
  constexpr std::int64_t kDay = 24LL * 3600 * 1000;
  const std::int64_t noon = 1764320400000;  // any instant; its next day is a day later
  uplink::BytesSent b;
  b.add(100, noon);
  b.add(50, noon + 1000);
  CHECK(b.today(noon + 2000) == 150);
  CHECK(b.today(noon + kDay) == 0);  // nothing yet on the next day
  b.add(7, noon + kDay);
  CHECK(b.today(noon + kDay) == 7);
  CHECK(b.since_start() == 157);
}

TEST_CASE("the periodic status counts the topic and payload bytes of what was published",
          "[bytes_sent][mqtt]") {
  test::TempDir dir;
  test::Broker broker(dir.path());
  test::Probe probe(broker.url(), "farmgate/gw-test/#");
  test::Gateway gw(test::uplink_config(broker.url(), dir.file("buffer.db"), 500, 100, 300));
  gw.add_readings(20);
  gw.loop.on_loop([&] {
    gw.uplink->start();
    return 0;
  });
  REQUIRE(test::wait_until([&] { return gw.stats().unsent == 0; }));
  // A periodic status published after the telemetry went out.
  nlohmann::json status;
  std::string status_payload;
  REQUIRE(probe.wait_for([&](const std::vector<test::ProbeMessage>& m) {
    for (const auto& msg : m) {
      if (msg.topic != test::topic("status")) continue;
      auto j = nlohmann::json::parse(msg.payload);
      if (j.contains("uplink") && j["buffer"]["unsent"] == 0) {
        status = j;
        status_payload = msg.payload;
        return true;
      }
    }
    return false;
  }));
  std::uint64_t before = 0;  // what was published before that status: telemetry, online status
  for (const auto& msg : probe.messages()) {
    if (msg.topic == test::topic("status") && msg.payload == status_payload) break;
    before += msg.topic.size() + msg.payload.size();
  }
  CHECK(status["uplink"]["broker"] == broker.url());  // a one-url list: that url
  const auto& sent = status["uplink"]["bytes_sent"];
  CHECK(sent["since_start"].get<std::uint64_t>() >= before);
  CHECK(sent["today"].get<std::uint64_t>() <= sent["since_start"].get<std::uint64_t>());
  CHECK(sent["today"].get<std::uint64_t>() > 0);
}
