// `uplink.compress: zstd` (spec §8): telemetry as zstd frames of the same JSON on
// `…/telemetry/zstd`, decoded at a real subscriber with python3's zstandard (or the zstd CLI).
#include <catch2/catch.hpp>
#include <fstream>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/uplink/fixtures.h"
#include "tests/uplink/probe.h"
#include "uplink/compression.h"
#include "uplink/payloads.h"

using namespace farmgate;

namespace {

// What a platform would do: decode the frame with a zstd of its own.
std::string decoded_by_python(const test::TempDir& dir, const std::string& frame) {
  const std::string path = dir.file("frame.zst");
  std::ofstream(path, std::ios::binary) << frame;
  std::string out;
  const int rc = test::run_command(
      {"/usr/bin/python3", "-c",
       "import sys, zstandard\n"
       "sys.stdout.write(zstandard.ZstdDecompressor().decompress("
       "open(sys.argv[1], 'rb').read()).decode())",
       path},
      &out);
  if (rc == 0) return out;
  // No python3-zstandard: the zstd CLI decodes the same frame.
  test::run_command({"zstd", "-d", "-q", "-c", path}, &out);
  return out;
}

}  // namespace

TEST_CASE("a zstd frame holds exactly the JSON it was made of", "[compression]") {
  const std::string json = R"({"gateway":"gw","readings":[]})";
  const std::string frame = uplink::zstd_frame(json);
  CHECK(frame != json);
  CHECK(uplink::zstd_content(frame) == json);
}

TEST_CASE("compressed telemetry goes to telemetry/zstd and decodes to the plain JSON",
          "[compression][mqtt]") {
  test::TempDir dir;
  test::Broker broker(dir.path());
  test::Probe probe(broker.url(), "farmgate/gw-test/#");
  config::Config c = test::uplink_config(broker.url(), dir.file("buffer.db"));
  c.uplink->compress = config::Compression::zstd;
  test::Gateway gw(c);
  gw.add_readings(200);
  const std::string plain = gw.loop.on_loop([&] {
    const uplink::Resolutions res(gw.config);
    const std::string json =
        uplink::telemetry_payload("gw-test", gw.store->unsent_readings(0, 500), &res);
    gw.uplink->start();
    return json;
  });
  REQUIRE(probe.wait_for([](const std::vector<test::ProbeMessage>& m) {
    for (const auto& msg : m)
      if (msg.topic == test::topic("telemetry/zstd")) return true;
    return false;
  }));
  REQUIRE(test::wait_until([&] { return gw.stats().unsent == 0; }));
  CHECK(probe.on("/telemetry").empty());  // nothing plain besides
  const auto frames = probe.on("telemetry/zstd");
  REQUIRE(frames.size() == 1);  // 200 readings, one batch
  CHECK(frames[0].payload.size() * 4 < plain.size());
  CHECK(decoded_by_python(dir, frames[0].payload) == plain);
}
