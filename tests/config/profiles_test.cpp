// The shipped device profiles (config/profiles/): every one loads clean through config::load
// on a bus set the way the profile says, gives exactly the points its file lists, names its
// source with a confidence tag, and the values below are pinned to /work/shared/device-facts.md
// (so a typo in a register map fails here, not in a pond).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "config/loader.h"
#include "config/units.h"
#include "tests/config/diagnostic_lines.h"
#include "tests/support/temp_dir.h"

using namespace farmgate;
using namespace farmgate::config;
using farmgate::test::TempDir;
using farmgate::config::test::lines;
namespace fs = std::filesystem;

namespace {

const std::string kShipped = std::string(FARMGATE_SOURCE_DIR) + "/config/profiles";

std::vector<std::string> shipped_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(kShipped))
    if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

LoadOptions shipped_only() {
  LoadOptions o;
  o.shipped_profile_dirs = {kShipped};
  return o;
}

// `rtu` is the inside of the bus's `rtu: { ... }` map; `extra` more keys of the device `d`.
LoadResult load_device(const TempDir& t, const std::string& profile, const std::string& rtu,
                       const std::string& extra = "") {
  std::string yaml = "gateway: { id: gw-1 }\n";
  yaml += "buses: [{ name: rs485, rtu: { device: /dev/ttyUSB0";
  if (!rtu.empty()) yaml += ", " + rtu;
  yaml += " } }]\n";
  yaml += "devices: [{ name: d, bus: rs485, profile: " + profile;
  if (!extra.empty()) yaml += ", " + extra;
  yaml += " }]\n";
  t.write("farmgate.yaml", yaml);
  return load(t.file("farmgate.yaml"), shipped_only());
}

// The bus settings a profile's `defaults:` asks for, as `rtu:` keys.
std::string matching_rtu(const YAML::Node& profile) {
  std::string rtu;
  const YAML::Node d = profile["defaults"];
  for (const char* key : {"baud", "parity", "data_bits", "stop_bits"})
    if (d && d[key]) rtu += std::string(rtu.empty() ? "" : ", ") + key + ": " + d[key].Scalar();
  return rtu;
}

const Point& point(const LoadResult& r, const std::string& name) {
  const Point* p = r.config->find_point("d." + name);
  if (!p) FAIL("no point d." + name + "\n" + lines(r));
  return *p;
}

std::string text(const YAML::Node& n, const std::string& fallback) {
  return n ? n.Scalar() : fallback;
}

// The comment block that opens a file: its lines up to the first that is not a comment.
std::string header_comment(const std::string& path) {
  std::ifstream in(path);
  std::string line, block;
  while (std::getline(in, line) && line.rfind("#", 0) == 0) block += line + "\n";
  return block;
}

std::set<std::string> tags_in(const std::string& s) {
  static const std::regex tag(R"(\[(V|R|3P|LOW)( [^\]]*)?\])");
  std::set<std::string> tags;
  for (std::sregex_iterator it(s.begin(), s.end(), tag), end; it != end; ++it)
    tags.insert((*it)[1]);
  return tags;
}

}  // namespace

TEST_CASE("the field kit ships at least twelve profiles", "[config][profiles]") {
  CHECK(shipped_names().size() >= 12);
}

TEST_CASE("every shipped profile loads on a bus that matches it, with no diagnostic",
          "[config][profiles]") {
  for (const auto& name : shipped_names()) {
    DYNAMIC_SECTION(name) {
      const YAML::Node file = YAML::LoadFile(kShipped + "/" + name + ".yaml");
      TempDir t;
      LoadResult r = load_device(t, name, matching_rtu(file));
      INFO(lines(r));
      REQUIRE(r.config);
      const Device& d = r.config->devices.at(0);
      const YAML::Node defaults = file["defaults"];
      const int unit = defaults && defaults["unit"] ? defaults["unit"].as<int>() : 1;
      CHECK(d.unit == unit);
      // The one expected diagnostic: a unit the Modbus spec reserves (LCTech boards use 255).
      if (unit > 247) {
        REQUIRE(r.diagnostics.all().size() == 1);
        CHECK(r.diagnostics.all()[0].severity == Diagnostic::Severity::warning);
        CHECK(r.diagnostics.all()[0].message.find("is reserved by the Modbus spec") !=
              std::string::npos);
      } else {
        CHECK(r.diagnostics.all().empty());
      }

      const YAML::Node points = file["points"];
      REQUIRE(points.size() >= 1);
      REQUIRE(d.points.size() == points.size());
      for (std::size_t i = 0; i < points.size(); ++i) {
        const YAML::Node want = points[i];
        const Point& got = d.points[i];
        INFO("point " << want["name"].Scalar());
        CHECK(got.name == want["name"].Scalar());
        CHECK(got.id == "d." + got.name);
        CHECK(to_string(got.table) == text(want["table"], "holding"));
        CHECK(got.address == parse_address(want["address"].Scalar()).value());
        CHECK(to_string(got.type) ==
              text(want["type"], is_bit_table(got.table) ? "bool" : "uint16"));
        CHECK(to_string(got.order) == text(want["order"], "ABCD"));
        CHECK(got.scale == Approx(want["scale"] ? want["scale"].as<double>() : 1.0));
        CHECK(got.unit == text(want["unit"], ""));
        CHECK(got.writable == (want["writable"] && want["writable"].as<bool>()));
        CHECK(got.valid_min.has_value() == static_cast<bool>(want["valid"]));
        if (want["valid"]) {
          CHECK(*got.valid_min == Approx(want["valid"][0].as<double>()));
          CHECK(*got.valid_max == Approx(want["valid"][1].as<double>()));
        }
        CHECK(got.pos.file == kShipped + "/" + name + ".yaml");
      }
    }
  }
}

TEST_CASE("every shipped profile opens with a Source comment carrying a confidence tag",
          "[config][profiles]") {
  for (const auto& name : shipped_names()) {
    DYNAMIC_SECTION(name) {
      const std::string path = kShipped + "/" + name + ".yaml";
      const std::string comment = header_comment(path);
      INFO(comment);
      CHECK(comment.find("# Source:") != std::string::npos);
      const auto comment_tags = tags_in(comment);
      CHECK_FALSE(comment_tags.empty());
      // The `source:` key says the same as the comment, tag for tag.
      const YAML::Node file = YAML::LoadFile(path);
      REQUIRE(file["source"]);
      const auto key_tags = tags_in(file["source"].Scalar());
      CHECK_FALSE(key_tags.empty());
      CHECK(key_tags == comment_tags);
      CHECK(file["model"]);
    }
  }
}

TEST_CASE("the YSI ODO reads floats from even addresses in even-length reads",
          "[config][profiles]") {
  TempDir t;
  LoadResult r = load_device(t, "ysi-odo-rtu", "parity: even");
  INFO(lines(r));
  REQUIRE(r.config);
  CHECK(r.diagnostics.all().empty());
  const Point& mgl = point(r, "do");
  CHECK(mgl.table == Table::input);
  CHECK(mgl.address == 0x0002);
  CHECK(mgl.type == ValueType::float32);
  CHECK(mgl.order == ByteOrder::ABCD);
  CHECK(mgl.unit == "mg/L");
  const Device& d = r.config->devices.at(0);
  CHECK(d.max_registers % 2 == 0);
  CHECK(d.max_gap == 0);
  for (const auto& p : d.points) {
    CHECK(p.address % 2 == 0);
    CHECK(register_count(p.type) == 2);
  }
}

TEST_CASE("the YSI ODO on an 8N1 bus draws a parity warning", "[config][profiles]") {
  TempDir t;
  LoadResult r = load_device(t, "ysi-odo-rtu", "");
  REQUIRE(r.config);
  REQUIRE(r.diagnostics.all().size() == 1);
  CHECK(r.diagnostics.all()[0].message ==
        "profile 'ysi-odo-rtu' expects parity even, but bus 'rs485' has none");
}

TEST_CASE("the JXCT JXBS-3001 on a 4800 bus draws a baud warning", "[config][profiles]") {
  TempDir t;
  LoadResult r = load_device(t, "jxct-jxbs-3001", "baud: 4800");
  REQUIRE(r.config);
  REQUIRE(r.diagnostics.all().size() == 1);
  CHECK(r.diagnostics.all()[0].message ==
        "profile 'jxct-jxbs-3001' expects baud 9600, but bus 'rs485' has 4800");
}

TEST_CASE("a JXBS-3001-TR overrides moisture and temperature addresses from the device",
          "[config][profiles]") {
  TempDir t;
  LoadResult r = load_device(t, "jxct-jxbs-3001", "",
                             "points: [{ name: moisture, address: 0x0002 },"
                             " { name: temperature, address: 0x0003 }]");
  INFO(lines(r));
  REQUIRE(r.config);
  CHECK(r.diagnostics.all().empty());
  CHECK(point(r, "moisture").address == 2);
  CHECK(point(r, "moisture").scale == Approx(0.1));
  CHECK(point(r, "temperature").address == 3);
  CHECK(point(r, "temperature").type == ValueType::int16);
  CHECK(point(r, "ph").address == 6);
  CHECK(r.config->devices.at(0).points.size() == 7);
}

TEST_CASE("register maps pinned to device-facts.md", "[config][profiles]") {
  TempDir t;
  SECTION("XY-MD02 temperature is a signed input at 0x0001, x0.1 °C") {
    LoadResult r = load_device(t, "xy-md02", "");
    REQUIRE(r.config);
    const Point& p = point(r, "temperature");
    CHECK(p.table == Table::input);
    CHECK(p.address == 0x0001);
    CHECK(p.type == ValueType::int16);
    CHECK(p.scale == Approx(0.1));
    CHECK(point(r, "humidity").address == 0x0002);
  }
  SECTION("Hach LDO answers at unit 247, 19200 baud, DO x0.001 mg/L at address 0") {
    LoadResult r = load_device(t, "hach-ldo", "baud: 19200");
    REQUIRE(r.config);
    CHECK(r.diagnostics.all().empty());
    CHECK(r.config->devices.at(0).unit == 247);
    CHECK(point(r, "do").address == 0);
    CHECK(point(r, "do").scale == Approx(0.001));
    CHECK(point(r, "temperature").scale == Approx(0.01));
    CHECK(point(r, "saturation").address == 11);
  }
  SECTION("a device's unit overrides the Hach default") {
    LoadResult r = load_device(t, "hach-ldo", "baud: 19200", "unit: 5");
    REQUIRE(r.config);
    CHECK(r.config->devices.at(0).unit == 5);
  }
  SECTION("LCTech boards sit at unit 255, with the reserved-unit warning") {
    LoadResult r = load_device(t, "lctech-relay-8ch", "");
    REQUIRE(r.config);
    CHECK(r.config->devices.at(0).unit == 255);
    REQUIRE(r.diagnostics.all().size() == 1);
    CHECK(r.diagnostics.all()[0].pos.file == kShipped + "/lctech-relay-8ch.yaml");
    CHECK(r.diagnostics.all()[0].message ==
          "unit 255 is reserved by the Modbus spec (1-247); some boards use it");
    CHECK(point(r, "relay8").table == Table::coil);
    CHECK(point(r, "relay8").address == 7);
  }
  SECTION("Renke wind sensors: 0-30 m/s x0.1, direction 0-360") {
    LoadResult r = load_device(t, "renke-rs-fsjt-n01", "baud: 4800");
    REQUIRE(r.config);
    CHECK(point(r, "wind_speed").scale == Approx(0.1));
    CHECK(*point(r, "wind_speed").valid_max == Approx(30));
    LoadResult fx = load_device(t, "renke-rs-fx-n01", "baud: 4800");
    REQUIRE(fx.config);
    CHECK(*point(fx, "direction").valid_max == Approx(360));
    CHECK(*point(fx, "sector").valid_max == Approx(7));
  }
  SECTION("Seeed weather sensor values are input int32 x0.001") {
    LoadResult r = load_device(t, "seeed-weather-101990787", "");
    REQUIRE(r.config);
    const Point& p = point(r, "wind_speed_avg");
    CHECK(p.table == Table::input);
    CHECK(p.address == 0x0012);
    CHECK(p.type == ValueType::int32);
    CHECK(p.scale == Approx(0.001));
    CHECK(point(r, "air_temperature").type == ValueType::int32);
  }
  SECTION("soil temperatures are signed") {
    for (const char* prof : {"jxct-jxbs-3001", "renke-rs-ecth-n01", "comwintop-cwt-soil-npk",
                             "seeed-sensecap-s-temp-vwc-ec-02"}) {
      LoadResult r = load_device(t, prof, "");
      REQUIRE(r.config);
      INFO(prof);
      CHECK(point(r, "temperature").type == ValueType::int16);
    }
  }
  SECTION("Supmea SUP-DO7013 DO is 0-20 mg/L") {
    LoadResult r = load_device(t, "supmea-sup-do7013", "");
    REQUIRE(r.config);
    CHECK(*point(r, "do").valid_max == Approx(20));
  }
}
