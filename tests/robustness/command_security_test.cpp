// The command path's defences (docs/reliability.md, "Command path"): a `set` outside the
// point's valid range is refused, secrets readable by others draw a warning at load (so at
// `check` and `run`), and a flood of commands is rate-limited over a real broker.
// mqtts:// verification and the plain-mqtt:// password refusal are kept by
// tests/uplink/tls_test.cpp and tests/config_cases/insecure_password_refused.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "config/loader.h"
#include "tests/daemon/payload_checks.h"
#include "tests/daemon/site.h"
#include "uplink/commands.h"

using namespace farmgate;
using namespace farmgate::test;

namespace {

config::LoadResult load_config(const TempDir& dir, const std::string& uplink) {
  const std::string path = dir.write(
      "farmgate.yaml",
      "gateway: { id: gw, timezone: UTC }\nrules: []\n"
      "storage: { path: " + dir.file("buffer.db") + " }\n" + uplink +
      "buses:\n  - name: plc\n    tcp: { host: 127.0.0.1, port: 1502 }\n"
      "devices:\n  - name: pump\n    bus: plc\n    unit: 1\n    points:\n"
      "      - { name: speed, table: holding, address: 0, writable: true, valid: [0, 100] }\n"
      "      - { name: trim, table: holding, address: 1, type: int16, writable: true }\n");
  return config::load(path);
}

bool warns_about(const config::Diagnostics& d, const std::string& text) {
  for (const auto& x : d.all())
    if (x.severity == config::Diagnostic::Severity::warning &&
        x.message.find(text) != std::string::npos)
      return true;
  return false;
}

}  // namespace

TEST_CASE("set is refused outside the point's valid range and accepted inside it",
          "[robustness][commands]") {
  TempDir dir;
  auto loaded = load_config(dir, "");
  REQUIRE(loaded.config);
  struct Case {
    const char* payload;
    bool accepted;
  } cases[] = {
      {R"({"id":"a","op":"set","point":"pump.speed","value":100,"hold":"1m"})", true},
      {R"({"id":"b","op":"set","point":"pump.speed","value":0,"hold":"1m"})", true},
      {R"({"id":"c","op":"set","point":"pump.speed","value":100.5,"hold":"1m"})", false},
      {R"({"id":"d","op":"set","point":"pump.speed","value":-1,"hold":"1m"})", false},
      {R"({"id":"e","op":"set","point":"pump.speed","value":1e308,"hold":"1m"})", false},
      {R"({"id":"f","op":"set","point":"pump.trim","value":-5,"hold":"1m"})", true},  // no range
  };
  for (const auto& c : cases) {
    INFO(c.payload);
    auto r = uplink::parse_command(c.payload, *loaded.config);
    CHECK(std::holds_alternative<uplink::Command>(r) == c.accepted);
    if (auto* refusal = std::get_if<uplink::Refusal>(&r)) {
      CHECK(refusal->error.find("pump.speed: value ") == 0);
      CHECK(refusal->error.find("is outside its valid range [0") != std::string::npos);
    }
  }
}

TEST_CASE("a password_file or key_file others or a foreign group can read draws a warning",
          "[robustness][secrets]") {
  // docs/install.md asks for root:farmgate 0640: the service's group reading it is the point.
  TempDir dir;
  const std::string pass = dir.write("mqtt.pass", "secret\n");
  const std::string uplink = "uplink:\n  url: mqtt://127.0.0.1:1883\n  username: gw\n"
                             "  password_file: " + pass + "\n";
  for (mode_t mode : {0644, 0604, 0606}) {
    INFO("mode " << std::oct << mode);
    REQUIRE(::chmod(pass.c_str(), mode) == 0);
    auto loaded = load_config(dir, uplink);
    CHECK(loaded.config);  // a warning, not an error: the daemon still starts
    CHECK(warns_about(loaded.diagnostics, pass + " can be read or written by others"));
  }
  // A group that is neither root's nor the service's (nogroup here).
  REQUIRE(::chown(pass.c_str(), 0, 65534) == 0);
  REQUIRE(::chmod(pass.c_str(), 0640) == 0);
  CHECK(warns_about(load_config(dir, uplink).diagnostics,
                    pass + " can be read by its group nogroup"));
  REQUIRE(::chown(pass.c_str(), 0, 0) == 0);
  for (mode_t mode : {0600, 0640}) {
    INFO("mode " << std::oct << mode);
    REQUIRE(::chmod(pass.c_str(), mode) == 0);
    auto loaded = load_config(dir, uplink);
    REQUIRE(loaded.config);
    CHECK_FALSE(warns_about(loaded.diagnostics, "can be read"));
  }
}

TEST_CASE("a flood of commands over the broker is rate-limited and every one is answered",
          "[robustness][commands]") {
  Site site;
  site.write_config({});
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  REQUIRE(wait_until([&] { return latest_status(probe).has_value(); }, std::chrono::seconds(15)));

  constexpr int kFlood = 40;
  for (int i = 0; i < kFlood; ++i)
    probe.publish(std::string(kTopicBase) + "cmd",
                  R"({"id":"f-)" + std::to_string(i) + R"(","op":"status"})");
  REQUIRE(wait_until([&] { return command_results(probe).size() >= kFlood; },
                     std::chrono::seconds(20)));
  int ok = 0, limited = 0;
  for (const auto& r : command_results(probe)) {
    if (r["ok"] == true) ++ok;
    if (r.value("error", "") == "rate limited") ++limited;
  }
  // 10 a second: a burst spans at most a few windows, the rest is refused.
  INFO("ok " << ok << ", rate limited " << limited);
  CHECK(ok >= 10);
  CHECK(limited >= kFlood - 30);
  CHECK(ok + limited == kFlood);
  CHECK(daemon->running());

  // The next second takes commands again.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  probe.publish(std::string(kTopicBase) + "cmd", R"({"id":"after","op":"status"})");
  CHECK(wait_until(
      [&] {
        for (const auto& r : command_results(probe))
          if (r.value("id", "") == "after") return r["ok"] == true;
        return false;
      },
      std::chrono::seconds(10)));
}
