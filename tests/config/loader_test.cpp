// Behaviour of config::load that the case corpus cannot show: files on disk around the
// config (rule globs, profile folders), paths as given, the shipped profiles.
#include "config/loader.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/config/diagnostic_lines.h"
#include "tests/support/temp_dir.h"

using namespace farmgate;
using namespace farmgate::config;
using farmgate::test::TempDir;
using farmgate::config::test::lines;

namespace {

const char* kMinimal = "gateway: { id: gw-1 }\n";

LoadOptions no_shipped() {
  LoadOptions o;
  o.shipped_profile_dirs.clear();
  return o;
}

}  // namespace

TEST_CASE("a missing file is one positioned error, not an exception", "[config][loader]") {
  TempDir t;
  const std::string path = t.file("nope.yaml");
  LoadResult r = load(path);
  CHECK_FALSE(r.config);
  CHECK(lines(r) == path + ":1:1: error: cannot read the file: No such file or directory\n");
}

TEST_CASE("diagnostics name the file exactly as the path was given", "[config][loader]") {
  TempDir t;
  t.write("farmgate.yaml", "gateway: { id: gw-1, stie: x }\n");
  const std::string given = t.path() + "/./farmgate.yaml";
  LoadResult r = load(given);
  CHECK(lines(r) == given + ":1:22: error: unknown key 'stie' (did you mean 'site'?)\n");
}

TEST_CASE("rule globs expand relative to the config, sorted within each glob, in glob order",
          "[config][loader]") {
  TempDir t;
  std::filesystem::create_directories(t.file("rules.d"));
  std::filesystem::create_directories(t.file("extra"));
  t.write("rules.d/b.yaml", "");
  t.write("rules.d/a.yaml", "");
  t.write("rules.d/notes.txt", "");
  t.write("extra/0.yaml", "");
  t.write("farmgate.yaml",
          std::string(kMinimal) + "rules: [rules.d/*.yaml, extra/*.yaml, none/*.yaml]\n");
  LoadResult r = load(t.file("farmgate.yaml"), no_shipped());
  REQUIRE(r.config);
  CHECK(r.config->rule_files == std::vector<std::string>{t.file("rules.d/a.yaml"),
                                                         t.file("rules.d/b.yaml"),
                                                         t.file("extra/0.yaml")});
}

TEST_CASE("without rules: the default glob rules.d/*.yaml is used", "[config][loader]") {
  TempDir t;
  std::filesystem::create_directories(t.file("rules.d"));
  t.write("rules.d/pond.yaml", "");
  t.write("farmgate.yaml", kMinimal);
  LoadResult r = load(t.file("farmgate.yaml"), no_shipped());
  REQUIRE(r.config);
  CHECK(r.config->rule_files == std::vector<std::string>{t.file("rules.d/pond.yaml")});
}

TEST_CASE("a configured profile folder wins over the shipped one", "[config][loader]") {
  TempDir t;
  std::filesystem::create_directories(t.file("mine"));
  std::filesystem::create_directories(t.file("shipped"));
  t.write("mine/probe.yaml", "points: [{ name: mine, table: holding, address: 1 }]\n");
  t.write("shipped/probe.yaml", "points: [{ name: shipped, table: holding, address: 1 }]\n");
  t.write("farmgate.yaml", std::string(kMinimal) +
                               "profiles: [mine]\n"
                               "buses: [{ name: b, tcp: { host: 127.0.0.1 } }]\n"
                               "devices: [{ name: d, bus: b, unit: 1, profile: probe }]\n");
  LoadOptions o;
  o.shipped_profile_dirs = {t.file("shipped")};
  LoadResult r = load(t.file("farmgate.yaml"), o);
  REQUIRE(r.config);
  CHECK(r.config->profile_dirs == std::vector<std::string>{t.file("mine"), t.file("shipped")});
  REQUIRE(r.config->devices.at(0).points.size() == 1);
  CHECK(r.config->devices[0].points[0].id == "d.mine");
  CHECK(r.config->devices[0].points[0].pos.file == t.file("mine/probe.yaml"));
}

TEST_CASE("the shipped profile folders come from the build, split on ':'", "[config][loader]") {
  const auto dirs = LoadOptions::default_shipped_profile_dirs();
  REQUIRE(dirs.size() == 2);
  CHECK(dirs[0] == std::string(FARMGATE_SOURCE_DIR) + "/config/profiles");
  CHECK(dirs[1].find("farmgate/profiles") != std::string::npos);
}

TEST_CASE("the shipped profiles load by name and give their points", "[config][loader]") {
  TempDir t;
  t.write("farmgate.yaml",
          std::string(kMinimal) +
              "buses: [{ name: rs485, rtu: { device: /dev/ttyUSB0 } }]\n"
              "devices:\n"
              "  - { name: do1, bus: rs485, unit: 2, profile: supmea-sup-do7013 }\n"
              "  - { name: relay, bus: rs485, unit: 1, profile: waveshare-relay-8ch }\n");
  LoadResult r = load(t.file("farmgate.yaml"));
  INFO(lines(r));
  REQUIRE(r.config);
  CHECK(r.diagnostics.all().empty());
  const Device* d = nullptr;
  const Point* p = r.config->find_point("do1.do", &d);
  REQUIRE(p);
  CHECK(d->unit == 2);
  CHECK(p->address == 1);
  CHECK(p->type == ValueType::int16);
  CHECK(p->scale == Approx(0.01));
  CHECK(p->unit == "mg/L");
  const Device* relay = r.config->find_device("relay");
  REQUIRE(relay);
  REQUIRE(relay->points.size() == 8);
  for (int i = 0; i < 8; ++i) {
    CHECK(relay->points[i].table == Table::coil);
    CHECK(relay->points[i].address == i);
    CHECK(relay->points[i].writable);
  }
}

TEST_CASE("the RTU gap defaults to 3.5 characters rounded up to whole ms", "[config][loader]") {
  TempDir t;
  t.write("farmgate.yaml",
          std::string(kMinimal) +
              "buses:\n"
              "  - { name: a, rtu: { device: /dev/x } }\n"  // 9600 8N1
              "  - { name: b, rtu: { device: /dev/x, baud: 1200, parity: even, stop_bits: 2 } }\n"
              "  - { name: c, rtu: { device: /dev/x, baud: 115200 } }\n"
              "  - { name: d, tcp: { host: plc } }\n");
  LoadResult r = load(t.file("farmgate.yaml"), no_shipped());
  REQUIRE(r.config);
  CHECK(r.config->buses[0].gap == Duration{4});   // 10 bits: 3.65 ms
  CHECK(r.config->buses[1].gap == Duration{35});  // 12 bits at 1200: 35 ms exactly
  CHECK(r.config->buses[2].gap == Duration{1});   // 0.30 ms -> 1
  CHECK(r.config->buses[3].gap == Duration{0});
}

TEST_CASE("client_id defaults to the gateway id", "[config][loader]") {
  TempDir t;
  t.write("farmgate.yaml", std::string(kMinimal) + "uplink: { url: mqtt://127.0.0.1 }\n");
  LoadResult r = load(t.file("farmgate.yaml"), no_shipped());
  REQUIRE(r.config);
  REQUIRE(r.config->uplink);
  CHECK(r.config->uplink->client_id == "gw-1");
  CHECK(r.config->uplink->topic_prefix == "farmgate");
}

TEST_CASE("binary garbage is diagnosed, never thrown", "[config][loader]") {
  TempDir t;
  for (const std::string& text : {std::string("\x01\x02\xff\xfe: [", 7), std::string("- - -\n"),
                                  std::string("gateway: *nope\n"), std::string("[1, 2]\n"),
                                  std::string("devices: [[1]]\nbuses: {a: 1}\n")}) {
    t.write("farmgate.yaml", text);
    LoadResult r;
    REQUIRE_NOTHROW(r = load(t.file("farmgate.yaml"), no_shipped()));
    CHECK(r.diagnostics.has_errors());
    CHECK_FALSE(r.config);
  }
}

TEST_CASE("uplink files are relative to the config's folder, like rules and storage.path",
          "[config][loader]") {
  TempDir t;
  std::filesystem::create_directories(t.file("etc"));
  t.write("etc/farmgate.yaml", std::string(kMinimal) +
                                   "uplink:\n"
                                   "  url: mqtts://127.0.0.1\n"
                                   "  password_file: mqtt.pass\n"
                                   "  ca_file: tls/ca.pem\n"
                                   "  cert_file: /srv/client.pem\n"
                                   "  key_file: ./client.key\n");
  LoadResult r = load(t.file("etc/farmgate.yaml"), no_shipped());
  REQUIRE(r.config);
  REQUIRE(r.config->uplink);
  CHECK(r.config->uplink->password_file == t.file("etc/mqtt.pass"));
  CHECK(r.config->uplink->ca_file == t.file("etc/tls/ca.pem"));
  CHECK(r.config->uplink->cert_file == "/srv/client.pem");  // absolute: as written
  CHECK(r.config->uplink->key_file == t.file("etc/./client.key"));
}

TEST_CASE("uplink files left out stay empty (no folder is made up for them)", "[config][loader]") {
  TempDir t;
  std::filesystem::create_directories(t.file("etc"));
  t.write("etc/farmgate.yaml", std::string(kMinimal) + "uplink: { url: mqtts://127.0.0.1 }\n");
  LoadResult r = load(t.file("etc/farmgate.yaml"), no_shipped());
  REQUIRE(r.config);
  CHECK(r.config->uplink->password_file.empty());
  CHECK(r.config->uplink->ca_file.empty());
  CHECK(r.config->uplink->cert_file.empty());
  CHECK(r.config->uplink->key_file.empty());
}

TEST_CASE("a rule glob matching nothing names where it looked", "[config][loader]") {
  TempDir t;
  t.write("farmgate.yaml", std::string(kMinimal) + "rules: [rulez/*.yaml]\n");
  LoadResult r = load(t.file("farmgate.yaml"), no_shipped());
  REQUIRE(r.config);
  CHECK(lines(r) == t.file("farmgate.yaml") + ":2:9: warning: 'rulez/*.yaml' matches no rule " +
                        "file (looked for " + t.file("rulez/*.yaml") + ")\n");
}

TEST_CASE("the time zone must be a TZif file in the zone folder", "[config][loader]") {
  TempDir t;
  std::filesystem::create_directories(t.file("zoneinfo/Area"));
  t.write("zoneinfo/Area/Real", std::string("TZif2") + std::string(40, '\0'));
  t.write("zoneinfo/Area/Fake", "# not a zone\n");
  LoadOptions o = no_shipped();
  o.zoneinfo_dir = t.file("zoneinfo");
  auto with_zone = [&](const std::string& zone) {
    t.write("farmgate.yaml", "gateway: { id: gw-1, timezone: " + zone + " }\n");
    return load(t.file("farmgate.yaml"), o);
  };
  LoadResult real = with_zone("Area/Real");
  REQUIRE(real.config);
  CHECK(real.config->gateway.timezone == "Area/Real");
  CHECK(lines(with_zone("Area/Fake")) == t.file("farmgate.yaml") +
                                             ":1:32: error: unknown time zone 'Area/Fake': " +
                                             t.file("zoneinfo/Area/Fake") +
                                             " is not a zone file\n");
  CHECK(lines(with_zone("Area/Rael")) ==
        t.file("farmgate.yaml") +
            ":1:32: error: unknown time zone 'Area/Rael' (did you mean 'Area/Real'?)\n");
  CHECK(lines(with_zone("Area")).find("unknown time zone 'Area'") != std::string::npos);
  o.zoneinfo_dir = t.file("no-tzdata");
  CHECK(lines(with_zone("Area/Real")) == t.file("farmgate.yaml") +
                                             ":1:32: error: cannot check time zone 'Area/Real': "
                                             "there is no " + t.file("no-tzdata") +
                                             " (install the tzdata package)\n");
}
