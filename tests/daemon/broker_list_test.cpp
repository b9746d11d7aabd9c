// `farmgate run` with uplink.url as a list (spec §8 "Several brokers"): the broker in use dies,
// the daemon moves on to the next one, and everyone who asks is told which one it is — the
// platform in `status`, the technician in `farmgate status`.
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "tests/daemon/payload_checks.h"
#include "tests/daemon/site.h"

using namespace farmgate::test;

TEST_CASE("the broker in use dies: farmgate run moves to the next url of its list and says so",
          "[daemon][run][failover]") {
  Site site;
  TempDir other_dir;
  Broker other(other_dir.path());
  GatewayOptions o;
  o.more_brokers = {other.url()};
  site.write_config(o);
  Probe on_first(site.broker().url(), std::string(kTopicBase) + "#");
  Probe on_second(other.url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();

  REQUIRE(wait_until([&] {
    auto s = latest_periodic_status(on_first);
    return s && s->value("/uplink/broker"_json_pointer, "") == site.broker().url();
  }));
  CHECK(newest_seq(on_second) == 0);

  site.broker().kill();
  const std::int64_t before = newest_seq(on_first);
  REQUIRE(wait_until([&] { return newest_seq(on_second) > before; }, std::chrono::seconds(15)));
  REQUIRE(wait_until([&] {
    auto s = latest_periodic_status(on_second);
    return s && s->value("/uplink/broker"_json_pointer, "") == other.url();
  }));

  std::string out;
  REQUIRE(run_command({built_binary("farmgate"), "status", "-c", site.config_path()}, &out) == 0);
  CHECK(out.find("uplink: connected to " + other.url()) != std::string::npos);
  REQUIRE(run_command({built_binary("farmgate"), "status", "--json", "-c", site.config_path()},
                      &out) == 0);
  const auto j = json::parse(out);
  CHECK(j["uplink"]["broker"] == other.url());
  CHECK(j["uplink"]["connected"] == true);
  CHECK(read_file(site.log_path()).find("uplink: connected to " + other.url()) !=
        std::string::npos);
  CHECK(terminate(*daemon) == 0);
}
