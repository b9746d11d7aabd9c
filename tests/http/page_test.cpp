// The on-site page end to end: the built `farmgate run` polling farmsim with `http:` on,
// asked over plain HTTP, by `farmgate status`, and rendered by headless Chromium.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/daemon/site.h"
#include "tests/http/client.h"

using namespace farmgate::test;
using json = nlohmann::json;

namespace {

const char* kRules = R"(rules:
  - name: aerate-low-oxygen
    when: pond1_do.do < 4.0
    until: pond1_do.do > 6.0
    set: { pond1_relay.aerator: on }
actuators:
  pond1_relay.aerator: { failsafe: on, max_on: 45m, exclusive_with: [pond1_relay.feeder] }
alarms:
  - name: oxygen-critical
    when: pond1_do.do < 3.5
    severity: critical
    message: "Pond 1 oxygen {pond1_do.do} mg/L"
)";

// A farm with low oxygen (the aerator rule runs, the alarm is raised) and the page on.
struct PageSite {
  PageSite() : site(FarmState{3.0, false, 215}) {
    GatewayOptions o;
    o.uplink = false;
    o.rules_yaml = kRules;
    site.write_config(o);
    port = free_tcp_port();
    const std::string pass = site.dir().write("web.pass", "pond-pass\n");
    ::chmod(pass.c_str(), 0600);
    std::ofstream(site.config_path(), std::ios::app)
        << "http:\n  listen: 127.0.0.1:" << port << "\n  password_file: web.pass\n";
    daemon = site.start_daemon();
    REQUIRE(wait_for_tcp_port(port));
  }
  ~PageSite() {
    if (daemon) terminate(*daemon);
  }
  json status() {
    HttpRequest r;
    r.path = "/api/status";
    auto reply = http_call(port, r);
    return reply.status == 200 ? json::parse(reply.body) : json();
  }
  json actuator(const std::string& point) {
    json s = status();
    if (s.is_object())
      for (const auto& a : s["actuators"])
        if (a["point"] == point) return a;
    return json();
  }
  std::string log() const { return read_file(site.log_path()); }

  Site site;
  int port = 0;
  std::unique_ptr<Process> daemon;
};

std::int64_t command_events(const std::string& db, const std::string& like) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_busy_timeout(h, 5000);
  sqlite3_stmt* s = nullptr;
  const std::string sql = "SELECT count(*) FROM events WHERE type = 'command' AND fields LIKE ?";
  sqlite3_prepare_v2(h, sql.c_str(), -1, &s, nullptr);
  sqlite3_bind_text(s, 1, like.c_str(), -1, SQLITE_TRANSIENT);
  std::int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
  sqlite3_finalize(s);
  sqlite3_close(h);
  return n;
}

std::vector<std::string> chromium_args(const std::string& profile_dir, const std::string& lang) {
  return {"env", "LANGUAGE=" + lang, "chromium", "--headless", "--no-sandbox", "--disable-gpu",
          "--disable-quic", "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
          "--user-data-dir=" + profile_dir, "--lang=" + lang,
          // Headless Chromium takes navigator.languages from --accept-lang, not from --lang.
          "--accept-lang=" + lang, "--window-size=390,1600",
          "--virtual-time-budget=4000", "--hide-scrollbars"};
}

std::string artifacts() {
  const std::string dir = std::string(FARMGATE_BINARY_DIR) + "/artifacts";
  ::mkdir(dir.c_str(), 0755);
  return dir;
}

}  // namespace

TEST_CASE("the page's status tells each point, the aerator's rule and the raised alarm", "[http][page]") {
  PageSite p;
  INFO(p.log());
  REQUIRE(wait_until([&] { return p.actuator("pond1_relay.aerator")["state"] == true; }, std::chrono::seconds(20)));
  json s = p.status();
  json a = p.actuator("pond1_relay.aerator");
  CHECK(a["reason"] == "rule aerate-low-oxygen");
  CHECK(a["failsafe"] == "on");
  CHECK(a["max_on_ms"] == 45 * 60 * 1000);
  CHECK(a["exclusive_with"] == json({"pond1_relay.feeder"}));
  json dox;
  for (const auto& pt : s["points"])
    if (pt["id"] == "pond1_do.do") dox = pt;
  CHECK(dox["value"] == Approx(3.0));
  CHECK(dox["unit"] == "mg/L");
  CHECK(dox["quality"] == "good");
  CHECK(dox["age_ms"].get<std::int64_t>() < 60000);
  REQUIRE(wait_until([&] { return p.status()["alarms"].size() == 1; }));
  CHECK(p.status()["alarms"][0]["message"] == "Pond 1 oxygen 3 mg/L");
  CHECK(s["devices"]["pond1_do"]["ok"].get<int>() >= 1);
  CHECK(s["uplink"]["configured"] == false);
  CHECK(s["session"]["login"] == true);
}

TEST_CASE("login, hold and release over HTTP drive the relay with command events", "[http][page]") {
  PageSite p;
  INFO(p.log());
  REQUIRE(wait_until([&] { return p.site.coil(1, 0); }, std::chrono::seconds(20)));
  CHECK(http_post(p.port, "/api/hold", R"({"point":"pond1_relay.aerator","value":false,"hold":"30m"})").status == 401);
  auto login = http_post(p.port, "/api/login", R"({"password":"pond-pass"})");
  REQUIRE(login.status == 200);
  CHECK(login.headers["set-cookie"].find("HttpOnly") != std::string::npos);
  CHECK(login.headers["set-cookie"].find("SameSite=Strict") != std::string::npos);
  const std::string cookie = session_cookie(login);

  auto hold = http_post(p.port, "/api/hold", R"({"point":"pond1_relay.aerator","value":false,"hold":"30m"})", cookie);
  CHECK(hold.status == 200);
  REQUIRE(wait_until([&] { return !p.site.coil(1, 0); }));
  // The status is refreshed once a second.
  REQUIRE(wait_until([&] { return p.actuator("pond1_relay.aerator")["reason"].get<std::string>().rfind("override page-", 0) == 0; }));
  json a = p.actuator("pond1_relay.aerator");
  CHECK(a["override"]["left_ms"].get<std::int64_t>() > 29 * 60 * 1000);

  // The §5 checks: a read-only point, a hold over 24h, a value of the wrong type.
  auto ro = http_post(p.port, "/api/hold", R"({"point":"pond1_do.do","value":1,"hold":"30m"})", cookie);
  CHECK(ro.status == 422);
  CHECK(json::parse(ro.body)["error"].get<std::string>().find("not writable") != std::string::npos);
  CHECK(http_post(p.port, "/api/hold", R"({"point":"pond1_relay.aerator","value":true,"hold":"25h"})", cookie).status == 422);
  CHECK(http_post(p.port, "/api/hold", R"({"point":"pond1_relay.aerator","value":"on","hold":"1h"})", cookie).status == 422);

  CHECK(http_post(p.port, "/api/release", R"({"point":"pond1_relay.aerator"})", cookie).status == 200);
  REQUIRE(wait_until([&] { return p.site.coil(1, 0); }));
  REQUIRE(wait_until([&] {
    return command_events(p.site.db_path(), "%\"ok\":true%") >= 2 &&
           command_events(p.site.db_path(), "%\"ok\":false%") >= 3;
  }));
}

TEST_CASE("the control loop keeps polling while the page is flooded", "[http][page]") {
  PageSite p;
  INFO(p.log());
  REQUIRE(wait_until([&] { return p.site.coil(1, 0); }, std::chrono::seconds(20)));
  auto polls = [&] { return p.status()["devices"]["pond1_do"]["ok"].get<std::int64_t>(); };
  // A baseline rate, then the same span under 1000 connections and a huge header.
  raise_fd_limit();
  const auto span = std::chrono::seconds(4);
  const std::int64_t a0 = polls();
  std::this_thread::sleep_for(span);
  const std::int64_t calm = polls() - a0;

  std::vector<int> fds;
  std::atomic<bool> stop{false};
  std::thread flood([&] {
    for (int i = 0; i < 1000 && !stop; ++i) {
      HttpRequest r;
      r.path = "/api/status";
      r.headers["X-Junk"] = std::string(100 * 1024, 'j');
      http_call(p.port, r);
    }
  });
  for (int i = 0; i < 1000; ++i) fds.push_back(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  for (int fd : fds) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(p.port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  }
  // Counted at the status socket, which the flood does not share.
  auto socket_polls = [&] {
    auto r = unix_get(p.site.dir().file("farmgate.sock"), "/api/status");
    return r.status == 200 ? json::parse(r.body)["devices"]["pond1_do"]["ok"].get<std::int64_t>() : -1;
  };
  const std::int64_t b0 = socket_polls();
  std::this_thread::sleep_for(span);
  const std::int64_t flooded = socket_polls() - b0;
  stop = true;
  flood.join();
  for (int fd : fds) ::close(fd);
  INFO("polls in " << span.count() << " s: calm " << calm << ", flooded " << flooded);
  CHECK(b0 >= 0);
  // The status is refreshed once a second: one refresh's worth of polls (5) is counting slack.
  CHECK(flooded >= calm * 8 / 10 - 5);
  CHECK(calm >= 10);
  CHECK(p.site.coil(1, 0));  // the rule still holds the aerator
  CHECK(p.status()["gateway"]["id"] == "test-gw");
}

TEST_CASE("farmgate status prints the running daemon's figures, and fails clearly without one", "[http][page]") {
  PageSite p;
  INFO(p.log());
  REQUIRE(wait_until([&] { return p.site.coil(1, 0); }, std::chrono::seconds(20)));
  std::string out;
  // The daemon refreshes its status once a second: wait for one that has the rule and alarm.
  REQUIRE(wait_until([&] {
    return run_command({built_binary("farmgate"), "status", "-c", p.site.config_path()}, &out) == 0 &&
           out.find("oxygen-critical") != std::string::npos;
  }));
  CHECK(out.find("pond1_do.do") != std::string::npos);
  CHECK(out.find("3 mg/L") != std::string::npos);
  CHECK(out.find("rule aerate-low-oxygen") != std::string::npos);
  CHECK(out.find("oxygen-critical") != std::string::npos);
  REQUIRE(run_command({built_binary("farmgate"), "status", "--json", "-c", p.site.config_path()}, &out) == 0);
  json j = json::parse(out);
  CHECK(j["gateway"]["id"] == "test-gw");
  CHECK_FALSE(j.contains("session"));

  REQUIRE(terminate(*p.daemon) == 0);
  p.daemon.reset();
  CHECK(run_command({built_binary("farmgate"), "status", "-c", p.site.config_path()}, &out) == 1);
  CHECK(out.find("no running farmgate answers") != std::string::npos);
}

TEST_CASE("Chromium renders the page in Chinese and English with live values and reasons", "[http][page][browser]") {
  PageSite p;
  INFO(p.log());
  REQUIRE(wait_until([&] { return p.status()["alarms"].size() == 1; }, std::chrono::seconds(20)));
  const std::string url = "http://127.0.0.1:" + std::to_string(p.port) + "/";
  for (const std::string lang : {"zh-CN", "en-US"}) {
    TempDir profile("farmgate-chromium");
    auto args = chromium_args(profile.path(), lang);
    args.push_back("--dump-dom");
    args.push_back(url);
    std::string dom;
    REQUIRE(run_command(args, &dom, std::chrono::seconds(50)) == 0);
    INFO(dom.substr(0, 4000));
    CHECK(dom.find("data-loaded=\"1\"") != std::string::npos);
    CHECK(dom.find("data-point=\"pond1_do.do\"") != std::string::npos);
    CHECK(dom.find("3 mg/L") != std::string::npos);
    CHECK(dom.find("Pond 1 oxygen 3 mg/L") != std::string::npos);
    if (lang == "zh-CN") {
      CHECK(dom.find("lang=\"zh-CN\"") != std::string::npos);
      CHECK(dom.find("规则 aerate-low-oxygen") != std::string::npos);
      CHECK(dom.find("执行器") != std::string::npos);
      CHECK(dom.find("失效保护时: 开") != std::string::npos);
    } else {
      CHECK(dom.find("rule aerate-low-oxygen") != std::string::npos);
      CHECK(dom.find("Actuators") != std::string::npos);
    }
    TempDir profile2("farmgate-chromium");
    auto shot = chromium_args(profile2.path(), lang);
    const std::string png = artifacts() + "/page-" + lang + ".png";
    std::remove(png.c_str());
    shot.push_back("--screenshot=" + png);
    shot.push_back(url);
    REQUIRE(run_command(shot, nullptr, std::chrono::seconds(50)) == 0);
    std::ifstream f(png, std::ios::binary);
    char magic[4] = {};
    f.read(magic, 4);
    CHECK(std::string(magic + 1, 3) == "PNG");
  }
}

TEST_CASE("a technician logs in on the page and holds the aerator off with clicks", "[http][page][browser]") {
  PageSite p;
  INFO(p.log());
  REQUIRE(wait_until([&] { return p.site.coil(1, 0); }, std::chrono::seconds(20)));
  TempDir profile("farmgate-chromium");
  std::string out;
  const int rc = run_command({system_python(), std::string(FARMGATE_SOURCE_DIR) + "/tests/http/page_click.py",
                              "http://127.0.0.1:" + std::to_string(p.port) + "/", "pond-pass",
                              "pond1_relay.aerator", profile.path(), artifacts() + "/page-logged-in.png"},
                             &out, std::chrono::seconds(55));
  INFO(out);
  REQUIRE(rc == 0);
  REQUIRE(wait_until([&] { return !p.site.coil(1, 0); }));
  CHECK(wait_until([&] { return p.actuator("pond1_relay.aerator")["reason"].get<std::string>().rfind("override page-", 0) == 0; }));
  CHECK(wait_until([&] { return command_events(p.site.db_path(), "%\"op\":\"set\"%") == 1; }));
}
