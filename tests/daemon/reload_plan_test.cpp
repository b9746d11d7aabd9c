// daemon/reload_plan.h: what a SIGHUP restarts, decided from the config model. The running
// daemon's side (a kept bus keeps polling, a kept uplink stays connected) is in
// reload_test.cpp; here every kind of change is walked through the plan.
#include "daemon/reload_plan.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.h"

using namespace farmgate;
using namespace farmgate::config;
using farmgate::daemon::plan_reload;
using farmgate::daemon::ReloadPlan;
using farmgate::daemon::uplink_files_digest;

namespace {

Config two_buses() {
  Config c;
  c.gateway.id = "gw";
  Bus a, b;
  a.name = "a";
  b.name = "b";
  b.link = TcpSettings{"10.0.0.1", 502};
  c.buses = {a, b};
  Device da, db;
  da.name = "da";
  da.bus = "a";
  db.name = "db";
  db.bus = "b";
  Point p;
  p.name = "x";
  p.id = "da.x";
  da.points = {p};
  c.devices = {da, db};
  c.uplink = Uplink{};
  c.uplink->urls = {"mqtt://127.0.0.1"};
  return c;
}

ReloadPlan plan(const Config& running, const Config& next) {
  return plan_reload(running, "", next, "");
}

}  // namespace

TEST_CASE("an unchanged config restarts nothing", "[daemon][reload_plan]") {
  const Config c = two_buses();
  Config moved = c;
  moved.devices[0].pos = {"x.yaml", 40, 3};  // written elsewhere in the file: no behaviour
  moved.buses[1].pos = {"x.yaml", 9, 3};
  const ReloadPlan p = plan(c, moved);
  CHECK(p.restart_buses.empty());
  CHECK_FALSE(p.reconnect_uplink);
  CHECK(p.notes.empty());
}

TEST_CASE("a changed point, device or bus restarts only its bus", "[daemon][reload_plan]") {
  const Config c = two_buses();
  Config point = c, device = c, bus = c, gone = c, moved = c;
  point.devices[0].points[0].scale = 0.1;
  device.devices[1].poll = Duration{500};
  bus.buses[1].timeout = Duration{2000};
  gone.buses.pop_back();
  gone.devices.pop_back();
  moved.devices[1].bus = "a";  // db moves to bus a: both buses change
  CHECK(plan(c, point).restart_buses == std::vector<std::string>{"a"});
  CHECK(plan(c, device).restart_buses == std::vector<std::string>{"b"});
  CHECK(plan(c, bus).restart_buses == std::vector<std::string>{"b"});
  CHECK(plan(c, gone).restart_buses == std::vector<std::string>{"b"});
  CHECK(plan(c, moved).restart_buses == std::vector<std::string>{"a", "b"});
}

TEST_CASE("the uplink reconnects on its settings, the gateway id or its files' contents",
          "[daemon][reload_plan]") {
  const Config c = two_buses();
  Config prefix = c, id = c, site = c, none = c, profile = c;
  prefix.uplink->topic_prefix = "other";
  profile.uplink->profile = farmgate::config::UplinkProfile::thingsboard;
  id.gateway.id = "gw2";
  site.gateway.site = "Pond 2";
  none.uplink.reset();
  CHECK(plan(c, prefix).reconnect_uplink);
  CHECK(plan(c, profile).reconnect_uplink);  // other topics, another link
  CHECK(plan(c, id).reconnect_uplink);
  CHECK_FALSE(plan(c, site).reconnect_uplink);
  CHECK(plan(c, none).reconnect_uplink);
  CHECK(plan_reload(c, "old password", c, "new password").reconnect_uplink);
}

TEST_CASE("storage changes wait for the next start and say so", "[daemon][reload_plan]") {
  const Config c = two_buses();
  Config s = c;
  s.storage.commit_interval = Duration{5000};
  const ReloadPlan p = plan(c, s);
  REQUIRE(p.notes.size() == 1);
  CHECK(p.notes[0].find("next start") != std::string::npos);
  CHECK(p.restart_buses.empty());
}

TEST_CASE("the uplink files digest follows the contents and never reads a FIFO",
          "[daemon][reload_plan]") {
  farmgate::test::TempDir t;
  Config c = two_buses();
  c.uplink->password_file = t.write("pass", "one");
  const std::string first = uplink_files_digest(c);
  t.write("pass", "two");
  CHECK(uplink_files_digest(c) != first);
  c.uplink->password_file = t.file("fifo");
  REQUIRE(::mkfifo(c.uplink->password_file.c_str(), 0600) == 0);
  CHECK(uplink_files_digest(c).find("FIFO") != std::string::npos);
}
