// Values at their resolution (spec §8): the digits a point can resolve, and no more, in
// telemetry and in a `read` result; end to end at a real mosquitto.
#include <catch2/catch.hpp>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/uplink/fixtures.h"
#include "tests/uplink/probe.h"
#include "uplink/payloads.h"
#include "uplink/resolution.h"

using namespace farmgate;
using farmgate::uplink::Resolution;

namespace {

config::Point point(config::ValueType type, double scale, double offset = 0,
                    std::optional<int> precision = std::nullopt) {
  config::Point p;
  p.name = "temp";
  p.id = "pond1_do.temp";
  p.type = type;
  p.scale = scale;
  p.offset = offset;
  p.precision = precision;
  return p;
}

std::string written(const config::Point& p, double v) {
  store::StoredReading sr;
  sr.seq = 1;
  sr.reading.point = p.id;
  sr.reading.ts_ms = 1;
  sr.reading.value = v;
  sr.reading.quality = Quality::good;
  config::Config c;
  config::Device d;
  d.points.push_back(p);
  c.devices.push_back(d);
  const uplink::Resolutions res(c);
  const std::string payload = uplink::telemetry_payload("gw", {sr}, &res);
  const auto from = payload.find(R"("value":)") + 8;
  return payload.substr(from, payload.find(',', from) - from);
}

}  // namespace

TEST_CASE("the decimals of a scale are the digits it can resolve", "[resolution]") {
  CHECK(uplink::decimals_of(1) == 0);
  CHECK(uplink::decimals_of(10) == 0);
  CHECK(uplink::decimals_of(0.1) == 1);
  CHECK(uplink::decimals_of(0.5) == 1);
  CHECK(uplink::decimals_of(0.25) == 2);
  CHECK(uplink::decimals_of(0.01) == 2);
  CHECK(uplink::decimals_of(0.001) == 3);
  CHECK(uplink::decimals_of(-0.1) == 1);
  CHECK(uplink::decimals_of(1.0 / 3) == 9);  // no finite step: capped
}

TEST_CASE("a scale 0.1 register is written 25.2, never 25.200000000000003", "[resolution]") {
  const auto p = point(config::ValueType::int16, 0.1);
  CHECK(written(p, 252 * 0.1) == "25.2");
  CHECK(written(p, 3 * 0.1) == "0.3");
  CHECK(written(p, 250 * 0.1) == "25.0");  // what the JSON writers give for a whole double
  CHECK(written(p, -0.04) == "0.0");       // never "-0.0"
}

TEST_CASE("an offset adds the decimals it needs", "[resolution]") {
  const auto p = point(config::ValueType::uint16, 1, -40.05);
  CHECK(written(p, 65 - 40.05) == "24.95");
}

TEST_CASE("precision overrides what the scale resolves, either way", "[resolution]") {
  CHECK(written(point(config::ValueType::uint16, 0.01, 0, 1), 1234 * 0.01) == "12.3");
  CHECK(written(point(config::ValueType::uint16, 1, 0, 0), 7.0) == "7.0");
  CHECK(written(point(config::ValueType::float64, 1, 0, 2), 3.14159) == "3.14");
}

TEST_CASE("a float32 is written with the digits a float32 has", "[resolution]") {
  const double widened = static_cast<double>(5.62f);  // 5.619999885559082
  CHECK(written(point(config::ValueType::float32, 1), widened) == "5.62");
  CHECK(written(point(config::ValueType::float64, 1), widened) == "5.619999885559082");
}

TEST_CASE("an unknown point, or no resolutions at all, is written as it is", "[resolution]") {
  store::StoredReading sr;
  sr.reading.point = "gone.point";
  sr.reading.value = 0.1 + 0.2;
  sr.reading.quality = Quality::good;
  const uplink::Resolutions none;
  CHECK(uplink::telemetry_payload("gw", {sr}, &none).find("0.30000000000000004") !=
        std::string::npos);
  CHECK(uplink::telemetry_payload("gw", {sr}).find("0.30000000000000004") != std::string::npos);
}

TEST_CASE("a read result speaks at the point's resolution", "[resolution]") {
  Reading r;
  r.point = "pond1_do.temp";
  r.value = 252 * 0.1;
  r.quality = Quality::good;
  const auto j = uplink::read_reply(r, uplink::resolution_of(point(config::ValueType::int16, 0.1)));
  CHECK(j["value"].dump() == "25.2");
}

TEST_CASE("telemetry of a scale 0.1 point reaches the broker at its resolution",
          "[resolution][mqtt]") {
  test::TempDir dir;
  test::Broker broker(dir.path());
  test::Probe probe(broker.url(), "farmgate/gw-test/#");
  config::Config c = test::uplink_config(broker.url(), dir.file("buffer.db"));
  c.devices[0].points.push_back(point(config::ValueType::int16, 0.1));
  test::Gateway gw(c);
  gw.loop.on_loop([&] {
    for (int raw : {252, 3, 1001}) {
      Reading r;
      r.point = "pond1_do.temp";
      r.ts_ms = 1764320400000 + raw;
      r.value = raw * 0.1;
      r.unit = "°C";
      r.quality = Quality::good;
      gw.store->add(r);
    }
    gw.store->commit();
    gw.uplink->start();
    return 0;
  });
  REQUIRE(probe.wait_for([](const std::vector<test::ProbeMessage>& m) {
    return test::telemetry_seqs(m).size() >= 3;
  }));
  const std::string payload = probe.on("telemetry").front().payload;
  CHECK(payload.find(R"("value":25.2,)") != std::string::npos);
  CHECK(payload.find(R"("value":0.3,)") != std::string::npos);
  CHECK(payload.find(R"("value":100.1,)") != std::string::npos);
}
