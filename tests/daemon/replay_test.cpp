// `farmgate replay` (spec §2) over a buffer that `farmgate run` recorded: it prints what the
// rules did, and touches neither the buffer nor any device.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/daemon/payload_checks.h"
#include "tests/daemon/site.h"

using namespace farmgate::test;

namespace {

std::set<std::string> files_in(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    out.insert(e.path().filename().string());
  return out;
}

}  // namespace

TEST_CASE("replay prints the rule's actuator change and leaves the buffer untouched",
          "[daemon][replay]") {
  Site site;  // DO 5.0, aerator off
  GatewayOptions options;
  options.rules_yaml = R"(rules:
  - name: aerate-low-oxygen
    when: pond1_do.do < 4.0
    until: pond1_do.do > 6.0
    set: { pond1_relay.aerator: on }
)";
  site.write_config(options);
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  auto oxygen_readings = [&] {
    std::size_t n = 0;
    for (const auto& r : first_deliveries(probe)) n += r["point"] == "pond1_do.do";
    return n;
  };
  REQUIRE(wait_until([&] { return oxygen_readings() >= 3; }));
  site.control("set 2 holding 0 float32:3.0");
  REQUIRE(wait_until([&] { return site.coil(1, 0); }));
  const std::size_t seen = oxygen_readings();
  REQUIRE(wait_until([&] { return oxygen_readings() >= seen + 3; }));
  REQUIRE(terminate(*daemon) == 0);
  site.stop_sim();  // no device to touch

  const std::string db = site.db_path();
  struct stat before {};
  REQUIRE(stat(db.c_str(), &before) == 0);
  const std::string bytes = read_file(db);
  const auto listing = files_in(site.dir().path());

  std::string out;
  int code = run_command({built_binary("farmgate"), "replay", "-c", site.config_path(), "--db",
                          db, "--since", "1h"},
                         &out);
  INFO(out);
  CHECK(code == 0);
  CHECK(out.find("actuator pond1_relay.aerator -> on (rule aerate-low-oxygen)") != std::string::npos);

  struct stat after {};
  REQUIRE(stat(db.c_str(), &after) == 0);
  CHECK(read_file(db) == bytes);
  CHECK(after.st_mtim.tv_sec == before.st_mtim.tv_sec);
  CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
  CHECK(files_in(site.dir().path()) == listing);  // no -wal/-shm left behind either
}
