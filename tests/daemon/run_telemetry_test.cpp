// `farmgate run` as the platform sees it: telemetry from TCP and RTU devices in spec §5's
// shape, the retained status, and one silent device that does not spoil the others.
#include <catch2/catch.hpp>
#include <chrono>

#include "tests/daemon/payload_checks.h"
#include "tests/daemon/site.h"

using namespace farmgate::test;

namespace {

std::vector<json> readings_of(const std::vector<json>& readings, const std::string& point) {
  std::vector<json> out;
  for (const auto& r : readings)
    if (r["point"] == point) out.push_back(r);
  return out;
}

bool has_good(const Probe& probe, const std::string& point) {
  for (const auto& r : readings_of(telemetry_readings(probe), point))
    if (r["quality"] == "good") return true;
  return false;
}

}  // namespace

TEST_CASE("readings of TCP and RTU devices arrive on telemetry in the shape of spec 5",
          "[daemon][run]") {
  Site site;
  site.write_config({});
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();

  REQUIRE(wait_until(
      [&] {
        return has_good(probe, "pond1_do.do") && has_good(probe, "pond1_relay.aerator") &&
               has_good(probe, "pond1_relay.feeder") && has_good(probe, "water.temp");
      },
      std::chrono::seconds(10)));
  INFO(read_file(site.log_path()));
  auto readings = first_deliveries(probe);

  json oxygen = readings_of(readings, "pond1_do.do").front();
  CHECK(oxygen["value"].get<double>() == Approx(5.0));
  CHECK(oxygen["unit"] == "mg/L");
  json temp = readings_of(readings, "water.temp").front();  // over RTU
  CHECK(temp["value"].get<double>() == Approx(21.5));
  CHECK(temp["unit"] == "degC");
  json aerator = readings_of(readings, "pond1_relay.aerator").front();
  CHECK(aerator["value"] == false);  // a JSON boolean for a bool point
  CHECK_FALSE(aerator.contains("unit"));

  // seq strictly increasing in the order the platform gets them, on a fresh buffer from just
  // above the wall clock in microseconds (spec §7: a lost buffer's seqs are never repeated).
  std::int64_t previous = 0;
  for (const auto& r : readings) {
    CHECK(r["seq"].get<std::int64_t>() > previous);
    previous = r["seq"].get<std::int64_t>();
  }
  CHECK(readings.front()["seq"] == first_reading_seq(site.db_path()));
  CHECK(readings.front()["seq"].get<std::int64_t>() > (now_ms() - 60000) * 1000);
  CHECK(contiguous(reading_seqs(probe)));
}

TEST_CASE("status is retained: online with version, started and the config's sha256, then "
          "periodic buffer and device figures",
          "[daemon][run]") {
  const std::int64_t test_start = now_ms();
  Site site;
  site.write_config({});
  auto daemon = site.start_daemon();
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  REQUIRE(wait_until([&] { return latest_periodic_status(probe).has_value(); },
                     std::chrono::seconds(10)));

  // A platform that subscribes later gets the retained status at once.
  Probe late(site.broker().url(), std::string(kTopicBase) + "status");
  REQUIRE(late.wait_for([](const auto& m) { return !m.empty(); }));
  CHECK(late.messages().front().retained);

  // The status published at connect: exactly the four keys of §5.
  std::optional<json> online;
  for (const auto& m : probe.on("status")) {
    json j = json::parse(m.payload);
    if (!j.contains("buffer")) online = j;
  }
  if (!online) {  // subscribed after it: the periodic one carries the same four first
    online = latest_periodic_status(probe);
    online->erase("buffer");
    online->erase("devices");
  }
  INFO(online->dump());
  CHECK(online->size() == 4);
  CHECK((*online)["state"] == "online");
  CHECK((*online)["version"].is_string());
  CHECK_FALSE((*online)["version"].get<std::string>().empty());
  CHECK(is_epoch_ms((*online)["started"]));
  CHECK((*online)["started"].get<std::int64_t>() >= test_start);
  std::string sha;
  REQUIRE(run_command({"sh", "-c",
                       "cat '" + site.config_path() + "' '" + site.dir().file("rules.yaml") +
                           "' | sha256sum | cut -c1-64"},
                      &sha) == 0);
  CHECK((*online)["config"] == sha.substr(0, 64));

  REQUIRE(wait_until(
      [&] {
        auto s = latest_periodic_status(probe);
        return s && (*s)["devices"]["water"].value("ok", 0) > 0 &&
               (*s)["devices"]["pond1_do"].value("ok", 0) > 0;
      },
      std::chrono::seconds(10)));
  json periodic = *latest_periodic_status(probe);
  INFO(periodic.dump());
  CHECK(periodic["state"] == "online");
  CHECK(periodic["config"] == (*online)["config"]);
  CHECK(periodic["started"] == (*online)["started"]);
  const json& buffer = periodic["buffer"];
  CHECK(buffer["unsent"].is_number_integer());
  CHECK(buffer["dropped"] == 0);
  if (buffer.contains("oldest_unsent_ts")) CHECK(is_epoch_ms(buffer["oldest_unsent_ts"]));
  for (const char* device : {"pond1_do", "pond1_relay", "water"}) {
    INFO(device);
    const json& d = periodic["devices"][device];
    CHECK(d["ok"].is_number_integer());
    CHECK(d["errors"] == 0);
    CHECK_FALSE(d.contains("last_error"));
  }
}

TEST_CASE("a silent unit reads error with a null value while the other devices stay good",
          "[daemon][run]") {
  Site site;
  site.write_config({});
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();
  REQUIRE(wait_until([&] { return has_good(probe, "water.temp"); }, std::chrono::seconds(10)));

  site.control("fault 3 silent");  // the RTU unit stops answering
  REQUIRE(wait_until(
      [&] {
        for (const auto& r : readings_of(telemetry_readings(probe), "water.temp"))
          if (r["quality"] == "error") return true;
        return false;
      },
      std::chrono::seconds(10)));
  // The other devices keep reading good after the first error of the silent one.
  const std::int64_t first_error_seq = [&] {
    for (const auto& r : readings_of(first_deliveries(probe), "water.temp"))
      if (r["quality"] == "error") return r["seq"].get<std::int64_t>();
    return std::int64_t{0};
  }();
  REQUIRE(wait_until(
      [&] {
        int after = 0;
        for (const auto& r : readings_of(first_deliveries(probe), "pond1_do.do"))
          after += r["seq"].get<std::int64_t>() > first_error_seq;
        return after >= 5;
      },
      std::chrono::seconds(10)));
  INFO(read_file(site.log_path()));

  for (const auto& r : first_deliveries(probe)) {
    if (r["seq"].get<std::int64_t>() < first_error_seq) continue;
    INFO(r.dump());
    if (r["point"] == "water.temp") {
      CHECK(r["quality"] == "error");
      CHECK(r["value"].is_null());
      CHECK(r["unit"] == "degC");
    } else {
      CHECK(r["quality"] == "good");
    }
  }

  REQUIRE(wait_until(
      [&] {
        for (const auto& e : events_of(probe, "fault"))
          if (e["source"] == "device" && e["device"] == "water") return true;
        return false;
      },
      std::chrono::seconds(10)));
  for (const auto& e : events_of(probe, "fault")) {
    INFO(e.dump());
    CHECK(e["device"] == "water");  // only the silent device is at fault
  }

  REQUIRE(wait_until(
      [&] {
        auto s = latest_periodic_status(probe);
        return s && (*s)["devices"]["water"].value("errors", 0) > 0;
      },
      std::chrono::seconds(10)));
  json devices = (*latest_periodic_status(probe))["devices"];
  INFO(devices.dump());
  CHECK(devices["water"]["last_error"].is_string());
  CHECK(devices["pond1_do"]["errors"] == 0);
  CHECK(devices["pond1_relay"]["errors"] == 0);
}
