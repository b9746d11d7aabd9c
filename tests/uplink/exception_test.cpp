// Report by exception (spec §8): the filter's decisions, and end to end at a real mosquitto
// with a real store: what is held back stays in the buffer for replay and leaves `unsent`.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/uplink/fixtures.h"
#include "tests/uplink/probe.h"
#include "uplink/exception_filter.h"

using namespace farmgate;

namespace {

constexpr std::int64_t kT0 = 1764320400000;
constexpr std::int64_t kSecond = 1000;

Reading reading(std::int64_t t_s, std::optional<double> v, Quality q = Quality::good) {
  Reading r = test::do_reading(kT0 + t_s * kSecond, 0);
  r.value = v;
  r.quality = q;
  return r;
}

uplink::ExceptionFilter filter(double deadband, std::int64_t report_every_s) {
  return uplink::ExceptionFilter({{"pond1_do.do", {deadband, report_every_s * kSecond}}});
}

}  // namespace

TEST_CASE("a point without a deadband sends every reading", "[exception]") {
  uplink::ExceptionFilter f;
  CHECK(f.worth_sending(reading(0, 5.0)));
  CHECK(f.worth_sending(reading(1, 5.0)));
}

TEST_CASE("a steady value is sent once per report_every", "[exception]") {
  auto f = filter(0.1, 600);
  CHECK(f.worth_sending(reading(0, 5.0)));
  CHECK_FALSE(f.worth_sending(reading(10, 5.0)));
  CHECK_FALSE(f.worth_sending(reading(599, 5.05)));
  CHECK(f.worth_sending(reading(600, 5.0)));
  CHECK_FALSE(f.worth_sending(reading(610, 5.0)));
}

TEST_CASE("the deadband is measured from the last value sent, not the last read",
          "[exception]") {
  auto f = filter(0.2, 600);
  CHECK(f.worth_sending(reading(0, 5.0)));
  CHECK_FALSE(f.worth_sending(reading(10, 5.1)));
  CHECK_FALSE(f.worth_sending(reading(20, 5.2)));  // exactly the deadband: within
  CHECK(f.worth_sending(reading(30, 5.3)));        // a slow drift still gets out
  CHECK(f.worth_sending(reading(40, 5.0)));
}

TEST_CASE("a change of quality is always sent", "[exception]") {
  auto f = filter(1, 600);
  CHECK(f.worth_sending(reading(0, 5.0)));
  CHECK(f.worth_sending(reading(10, 5.0, Quality::bad)));
  CHECK(f.worth_sending(reading(20, std::nullopt, Quality::error)));
  CHECK_FALSE(f.worth_sending(reading(30, std::nullopt, Quality::error)));
  CHECK(f.worth_sending(reading(40, 5.0)));
}

TEST_CASE("a clock stepped back does not silence a point", "[exception]") {
  auto f = filter(1, 600);
  CHECK(f.worth_sending(reading(1000, 5.0)));
  CHECK(f.worth_sending(reading(10, 5.0)));
}

TEST_CASE("a resend sends again what was decided, and only that", "[exception]") {
  auto f = filter(1, 600);
  std::vector<store::StoredReading> batch = {{1, reading(0, 5.0)}, {2, reading(10, 5.0)},
                                             {3, reading(20, 9.0)}};
  CHECK(f.hold_back(batch) == std::vector<std::int64_t>{2});
  REQUIRE(batch.size() == 2);
  // After a reconnect the store gives back what is still unsent: 1 and 3, and a new one.
  std::vector<store::StoredReading> again = {{1, reading(0, 5.0)}, {3, reading(20, 9.0)},
                                             {4, reading(30, 9.0)}};
  CHECK(f.hold_back(again) == std::vector<std::int64_t>{4});
  CHECK(again.size() == 2);
}

TEST_CASE("held-back readings stay for replay, leave unsent, and never reach the broker",
          "[exception][mqtt]") {
  test::TempDir dir;
  test::Broker broker(dir.path());
  test::Probe probe(broker.url(), "farmgate/gw-test/#");
  config::Config c = test::uplink_config(broker.url(), dir.file("buffer.db"));
  c.devices[0].points[0].deadband = 0.5;
  c.devices[0].points[0].report_every = Duration(60 * kSecond);
  test::Gateway gw(c);
  // seconds after kT0 -> value, quality; the ones marked * are news.
  const std::vector<Reading> rs = {
      reading(0, 5.0),                 // * first
      reading(10, 5.2),                //   within 0.5
      reading(20, 5.5),                //   exactly 0.5: within
      reading(30, 6.0),                // * beyond
      reading(40, 6.1),                //
      reading(50, 6.1, Quality::bad),  // * quality changed
      reading(60, 6.1, Quality::bad),  //
      reading(100, 6.1, Quality::bad), //   50 s after the last sent
      reading(111, 6.1, Quality::bad), // * 61 s: report_every passed
  };
  gw.loop.on_loop([&] {
    for (const auto& r : rs) gw.store->add(r);
    gw.store->commit();
    gw.uplink->start();
    return 0;
  });
  REQUIRE(test::wait_until([&] { return gw.stats().unsent == 0; }));
  REQUIRE(probe.wait_for([](const std::vector<test::ProbeMessage>& m) {
    return test::telemetry_seqs(m).size() >= 4;
  }));
  std::set<std::int64_t> sent_ts;
  for (const auto& m : probe.on("telemetry")) {
    const auto batch = nlohmann::json::parse(m.payload);
    for (const auto& r : batch["readings"])
      sent_ts.insert((r["ts"].get<std::int64_t>() - kT0) / kSecond);
  }
  CHECK(sent_ts == std::set<std::int64_t>{0, 30, 50, 111});
  const auto replay =
      gw.loop.on_loop([&] { return gw.store->readings_between(kT0, kT0 + 200 * kSecond); });
  CHECK(replay.size() == rs.size());
}
