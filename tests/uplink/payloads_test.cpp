#include "uplink/payloads.h"

#include <catch2/catch.hpp>
#include <limits>

using namespace farmgate;
using namespace farmgate::uplink;

namespace {

store::StoredReading stored(std::int64_t seq, Reading r) { return {seq, std::move(r)}; }

Reading reading(const std::string& point, std::int64_t ts, std::optional<double> value, Quality q,
                const std::string& unit = "", bool boolean = false) {
  Reading r;
  r.point = point;
  r.ts_ms = ts;
  r.value = value;
  r.quality = q;
  r.unit = unit;
  r.boolean = boolean;
  return r;
}

}  // namespace

TEST_CASE("telemetry payload is the spec example, one line", "[payloads]") {
  auto p = telemetry_payload(
      "dz-qx-pond-01",
      {stored(1201, reading("pond1_do.do", 1764320400123, 5.62, Quality::good, "mg/L"))});
  CHECK(
      p ==
      R"({"gateway":"dz-qx-pond-01","readings":[{"seq":1201,"point":"pond1_do.do","ts":1764320400123,"value":5.62,"unit":"mg/L","quality":"good"}]})");
}

TEST_CASE("telemetry: an error reading has value null, no unit key when none, bools as true/false",
          "[payloads]") {
  auto p =
      telemetry_payload("gw", {stored(1, reading("a.b", 10, std::nullopt, Quality::error, "mg/L")),
                               stored(2, reading("r.aerator", 11, 1.0, Quality::good, "", true)),
                               stored(3, reading("r.feeder", 12, 0.0, Quality::good, "", true)),
                               stored(4, reading("a.t", 13, 99.5, Quality::bad, "C"))});
  CHECK(p == R"({"gateway":"gw","readings":[)"
             R"({"seq":1,"point":"a.b","ts":10,"value":null,"unit":"mg/L","quality":"error"},)"
             R"({"seq":2,"point":"r.aerator","ts":11,"value":true,"quality":"good"},)"
             R"({"seq":3,"point":"r.feeder","ts":12,"value":false,"quality":"good"},)"
             R"({"seq":4,"point":"a.t","ts":13,"value":99.5,"unit":"C","quality":"bad"}]})");
}

TEST_CASE("telemetry: doubles keep their shortest exact form", "[payloads]") {
  auto p = telemetry_payload("gw", {stored(1, reading("a.b", 1, 0.1 + 0.2, Quality::good)),
                                    stored(2, reading("a.b", 2, 21.0, Quality::good)),
                                    stored(3, reading("a.b", 3, -1e-7, Quality::good))});
  CHECK(p.find(R"("value":0.30000000000000004)") != std::string::npos);
  CHECK(p.find(R"("value":21.0)") != std::string::npos);
  CHECK(p.find(R"("value":-1e-07)") != std::string::npos);
}

namespace {

// The telemetry object built as a JSON tree and dumped: what telemetry_payload must equal
// byte for byte (it writes the text directly, for speed).
std::string telemetry_by_tree(const std::string& gateway,
                              const std::vector<store::StoredReading>& readings) {
  using ordered = nlohmann::ordered_json;
  ordered list = ordered::array();
  for (const auto& sr : readings) {
    const Reading& r = sr.reading;
    ordered j = {{"seq", sr.seq}, {"point", r.point}, {"ts", r.ts_ms}};
    if (r.quality == Quality::error || !r.value) {
      j["value"] = nullptr;
    } else if (r.boolean) {
      j["value"] = *r.value != 0;
    } else {
      j["value"] = *r.value;
    }
    if (!r.unit.empty()) j["unit"] = r.unit;
    j["quality"] = to_string(r.quality);
    list.push_back(j);
  }
  return ordered{{"gateway", gateway}, {"readings", list}}.dump(
      -1, ' ', false, ordered::error_handler_t::replace);
}

}  // namespace

TEST_CASE("telemetry: the direct writer equals the JSON tree's dump, on awkward values and text",
          "[payloads]") {
  const double doubles[] = {0.0, -0.0, 1.0, 21.0, 5.62, 0.1 + 0.2, -1e-7, 1e-5, 1e-4, 123456.789,
                            1e15, 1e16, 1e17, 1e21, 1e300, -1e-300, 4.9e-324,
                            std::numeric_limits<double>::max(), std::numeric_limits<double>::min(),
                            std::numeric_limits<double>::quiet_NaN(),
                            std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<double>::infinity(), 65535.0, -32768.0, 0.01};
  const std::string texts[] = {"",        "mg/L",      "°C",        "a\"quoted\"",
                               "back\\slash", "tab\there", std::string("nul\0x", 5),
                               "\x7f",    "ctl\x01\x1f", "bad\xff\xfeutf8", "中文单位"};
  std::vector<store::StoredReading> rs;
  std::int64_t seq = 1;
  for (double d : doubles) {
    for (const auto& t : texts) {
      rs.push_back(stored(seq, reading("dev.p" + t, -seq * 1000, d, Quality::good, t)));
      rs.push_back(stored(seq + 1, reading("p", seq, d, Quality::bad, t)));
      rs.push_back(stored(seq + 2, reading("p", seq, d, Quality::good, "", true)));
      rs.push_back(stored(seq + 3, reading("p", seq, d, Quality::error, t)));
      seq += 4;
    }
  }
  rs.push_back(stored(std::numeric_limits<std::int64_t>::max(),
                      reading("p", std::numeric_limits<std::int64_t>::min(), std::nullopt,
                              Quality::bad)));
  for (const auto& gateway : {std::string("gw"), std::string("gw \"x\" \xc3")}) {
    CHECK(telemetry_payload(gateway, rs) == telemetry_by_tree(gateway, rs));
    CHECK(telemetry_payload(gateway, {}) == telemetry_by_tree(gateway, {}));
  }
}

TEST_CASE("event payload is the spec example", "[payloads]") {
  Event e{
      1764320400500,
      "actuator",
      {{"point", "pond1_relay.aerator"}, {"value", true}, {"reason", "rule aerate-low-oxygen"}}};
  // Envelope first, then the type's fields (in name order).
  CHECK(
      event_payload({88, e}) ==
      R"({"seq":88,"ts":1764320400500,"type":"actuator","point":"pond1_relay.aerator","reason":"rule aerate-low-oxygen","value":true})");
}

TEST_CASE("event payload: a fault from the shared builder leaves out absent keys", "[payloads]") {
  auto p = event_payload({3, fault_event(5, "device", "timeout", "pond1_do")});
  CHECK(
      p ==
      R"({"seq":3,"ts":5,"type":"fault","device":"pond1_do","message":"timeout","source":"device"})");
}

TEST_CASE("status payloads: online, periodic with buffer and devices, offline", "[payloads]") {
  StatusSnapshot s;
  s.version = "0.1.0";
  s.started_ms = 1764320000000;
  s.config_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  s.devices["pond1_do"] = {120, 2, "timeout"};
  s.devices["pond1_relay"] = {60, 0, ""};
  CHECK(
      online_status_payload(s) ==
      R"({"state":"online","version":"0.1.0","started":1764320000000,"config":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"})");
  store::BufferStats b;
  b.unsent = 42;
  b.oldest_unsent_ts = 1764320400123;
  b.dropped = 7;
  CHECK(
      periodic_status_payload(s, b) ==
      R"({"state":"online","version":"0.1.0","started":1764320000000,"config":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",)"
      R"("buffer":{"unsent":42,"oldest_unsent_ts":1764320400123,"dropped":7,"fault":null},)"
      R"("devices":{"pond1_do":{"ok":120,"errors":2,"last_error":"timeout"},"pond1_relay":{"ok":60,"errors":0}}})");
  SECTION("an empty buffer has no oldest_unsent_ts") {
    store::BufferStats empty;
    CHECK(periodic_status_payload(s, empty).find(R"("buffer":{"unsent":0,"dropped":0,"fault":null})") !=
          std::string::npos);
  }
  SECTION("the status command's result carries the same figures") {
    nlohmann::json f = status_figures(s, b);
    CHECK(f["buffer"] == nlohmann::json::parse(
                             R"({"unsent":42,"oldest_unsent_ts":1764320400123,"dropped":7,"fault":null})"));
    CHECK(f["devices"] == nlohmann::json::parse(
                              R"({"pond1_do":{"ok":120,"errors":2,"last_error":"timeout"},)"
                              R"("pond1_relay":{"ok":60,"errors":0}})"));
  }
  CHECK(offline_status_payload() == R"({"state":"offline"})");
}

TEST_CASE("a storage fault shows in status as buffer.fault with its text and since when",
          "[payloads]") {
  StatusSnapshot s;
  s.version = "0.1.0";
  s.config_sha256 = std::string(64, 'a');
  store::BufferStats b;
  b.fault = store::StorageFault{"cannot write the buffer /x/buffer.db: database or disk is full",
                                1764320400123};
  CHECK(periodic_status_payload(s, b).find(
            R"("fault":{"message":"cannot write the buffer /x/buffer.db: database or disk is full","since":1764320400123})") !=
        std::string::npos);
  CHECK(status_figures(s, b)["buffer"]["fault"]["since"] == 1764320400123);
}
