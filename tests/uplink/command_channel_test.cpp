// The `cmd` channel against what the field, a careless platform or an attacker sends
// (spec §7): bursts, retained commands, repeated ids, oversized payloads; and the ack
// watchdog against a broker that never acknowledges. Real mosquitto (and mosquitto_pub),
// a fake Python broker, the uplink on its loop with a real store.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <sstream>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/uplink/fixtures.h"
#include "tests/uplink/probe.h"

using namespace farmgate;
using farmgate::test::Broker;
using farmgate::test::Gateway;
using farmgate::test::Probe;
using farmgate::test::TempDir;

namespace {

// mosquitto_pub at its own speed: one message per line of `file` (or the whole file, -f).
int mosquitto_pub(const Broker& b, const std::string& mode, const std::string& file,
                  bool retained = false) {
  std::string cmd = "mosquitto_pub -h 127.0.0.1 -p " + std::to_string(b.port()) + " -q 1 -t " +
                    test::topic("cmd") + (retained ? " -r" : "") +
                    (mode == "lines" ? " -l < " + file : " -f " + file);
  return test::run_command({"sh", "-c", cmd});
}

std::vector<nlohmann::json> results(const Probe& p) {
  std::vector<nlohmann::json> out;
  for (const auto& m : p.on("cmd/result")) out.push_back(nlohmann::json::parse(m.payload));
  return out;
}

}  // namespace

TEST_CASE("a burst of 10,000 commands gets exactly one result per id", "[commands][mqtt]") {
  TempDir dir;
  // Unbounded queues at the broker: what is measured is the gateway, not mosquitto's limit.
  Broker broker(dir.path(), 0, "max_queued_messages 0");
  Probe probe(broker.url(), test::topic("cmd/result"));
  int handled = 0;
  Gateway gw(test::uplink_config(broker.url(), dir.file("buffer.db")),
             [&](const uplink::Command&, uplink::Uplink::Reply reply) {
               ++handled;
               reply(uplink::Outcome{});
             });
  gw.start();
  constexpr int kBurst = 10000;
  {
    std::ofstream f(dir.file("burst.txt"));
    for (int i = 0; i < kBurst; ++i) f << R"({"id":"b-)" << i << R"(","op":"status"})" << "\n";
  }
  REQUIRE(mosquitto_pub(broker, "lines", dir.file("burst.txt")) == 0);
  REQUIRE(probe.wait_for([&](auto&) { return probe.on("cmd/result").size() >= kBurst; }, 50000));
  std::map<std::string, int> per_id;
  int ok = 0, limited = 0;
  for (const auto& r : results(probe)) {
    ++per_id[r.value("id", "")];
    if (r["ok"] == true) ++ok;
    if (r.value("error", "") == "rate limited") ++limited;
  }
  CHECK(per_id.size() == kBurst);
  CHECK(std::all_of(per_id.begin(), per_id.end(), [](auto& kv) { return kv.second == 1; }));
  CHECK(ok + limited == kBurst);
  CHECK(ok == gw.loop.on_loop([&] { return handled; }));
}

TEST_CASE("a retained command is refused once per connection and never executed",
          "[commands][mqtt]") {
  TempDir dir;
  Broker broker(dir.path());
  std::ofstream(dir.file("retained.json"))
      << R"({"id":"r-1","op":"set","point":"pond1_relay.aerator","value":true,"hold":"30m"})";
  REQUIRE(mosquitto_pub(broker, "file", dir.file("retained.json"), true) == 0);
  Probe probe(broker.url(), test::topic("cmd/result"));
  int handled = 0;
  Gateway gw(test::uplink_config(broker.url(), dir.file("buffer.db")),
             [&](const uplink::Command&, uplink::Uplink::Reply reply) {
               ++handled;
               reply(uplink::Outcome{});
             });
  gw.start();
  REQUIRE(probe.wait_for([&](auto&) { return !probe.on("cmd/result").empty(); }));
  // A live command afterwards is taken: the refusal is of retained ones only.
  probe.publish(test::topic("cmd"), R"({"id":"live-1","op":"status"})");
  REQUIRE(probe.wait_for([&](auto&) { return probe.on("cmd/result").size() >= 2; }));
  auto r = results(probe);
  CHECK(r[0] == nlohmann::json{{"id", "r-1"}, {"ok", false}, {"error", "retained commands are refused"}});
  CHECK(r[1] == nlohmann::json{{"id", "live-1"}, {"ok", true}});
  CHECK(r.size() == 2);
  CHECK(gw.loop.on_loop([&] { return handled; }) == 1);
}

TEST_CASE("the same id twice runs once and gets its first result twice", "[commands][mqtt]") {
  TempDir dir;
  Broker broker(dir.path());
  Probe probe(broker.url(), test::topic("cmd/result"));
  int handled = 0;
  Gateway gw(test::uplink_config(broker.url(), dir.file("buffer.db")),
             [&](const uplink::Command&, uplink::Uplink::Reply reply) {
               ++handled;
               reply(uplink::Outcome{true, "", {{"run", handled}}});
             });
  gw.start();
  const std::string set =
      R"({"id":"d-1","op":"set","point":"pond1_relay.aerator","value":true,"hold":"30m"})";
  probe.publish(test::topic("cmd"), set);
  probe.publish(test::topic("cmd"), set);
  // Even with another body: the id names the command.
  probe.publish(test::topic("cmd"), R"({"id":"d-1","op":"status"})");
  REQUIRE(probe.wait_for([&](auto&) { return probe.on("cmd/result").size() >= 3; }));
  for (const auto& r : results(probe))
    CHECK(r == nlohmann::json{{"id", "d-1"}, {"ok", true}, {"run", 1}});
  CHECK(gw.loop.on_loop([&] { return handled; }) == 1);
}

TEST_CASE("an oversized command is refused by its size, unread", "[commands][mqtt]") {
  TempDir dir;
  Broker broker(dir.path());
  Probe probe(broker.url(), test::topic("cmd/result"));
  int handled = 0;
  Gateway gw(test::uplink_config(broker.url(), dir.file("buffer.db")),
             [&](const uplink::Command&, uplink::Uplink::Reply reply) {
               ++handled;
               reply(uplink::Outcome{});
             });
  gw.start();
  const std::string big =
      R"({"id":"big-1","op":"status","pad":")" + std::string(1000000, 'x') + "\"}";
  std::ofstream(dir.file("big.json")) << big;
  REQUIRE(mosquitto_pub(broker, "file", dir.file("big.json")) == 0);
  REQUIRE(probe.wait_for([&](auto&) { return !probe.on("cmd/result").empty(); }));
  CHECK(results(probe)[0] ==
        nlohmann::json{{"ok", false},
                       {"error", "payload is " + std::to_string(big.size()) +
                                     " bytes, over the limit of 4096"}});
  CHECK(gw.loop.on_loop([&] { return handled; }) == 0);
}

TEST_CASE("a broker that never acknowledges is dropped after ack_timeout and nothing is lost",
          "[uplink][mqtt]") {
  TempDir dir;
  const int port = test::free_tcp_port();
  auto fake = std::make_unique<test::Process>(
      std::vector<std::string>{test::system_python(), FARMGATE_SOURCE_DIR "/tests/uplink/fake_broker.py",
                               std::to_string(port)},
      dir.file("fake.log"));
  REQUIRE(test::wait_for_tcp_port(port));
  auto cfg = test::uplink_config("mqtt://127.0.0.1:" + std::to_string(port), dir.file("buffer.db"));
  cfg.uplink->ack_timeout = Duration(1000);
  Gateway gw(cfg);
  gw.add_readings(20);
  gw.start();
  // Connection 1 is wait_for_tcp_port's probe; 2 is the first real one, 3 the re-open.
  REQUIRE(test::wait_until([&] { return fake->log_text().find("connect 3") != std::string::npos; },
                           std::chrono::seconds(20)));
  const std::string log = fake->log_text();
  INFO(log);
  const auto third = log.find("connect 3");
  CHECK(log.find("publish farmgate/gw-test/telemetry") < third);
  // The same readings offered again on the new connection.
  CHECK(test::wait_until([&] {
    return fake->log_text().find("publish farmgate/gw-test/telemetry", third) != std::string::npos;
  }));
  CHECK(gw.stats().unsent == 20);
  // One `uplink` fault for the streak, however many re-opens it took.
  auto uplink_faults = [&] {
    return gw.loop.on_loop([&] {
      gw.store->commit();
      int n = 0;
      for (const auto& e : gw.store->unsent_events(0, 1000))
        n += e.event.type == "fault" && e.event.fields.value("source", "") == "uplink";
      return n;
    });
  };
  CHECK(uplink_faults() == 1);

  // The broker is replaced by a real one on the same port: everything is acknowledged.
  fake.reset();
  Broker broker(dir.path(), port);
  REQUIRE(test::wait_until([&] { return gw.stats().unsent == 0 && uplink_faults() == 0; },
                           std::chrono::seconds(30)));
}

TEST_CASE("text from a command never starts a log line of its own", "[commands][mqtt][log]") {
  TempDir dir;
  Broker broker(dir.path());
  Probe probe(broker.url(), test::topic("cmd/result"));
  Gateway gw(test::uplink_config(broker.url(), dir.file("buffer.db")));
  gw.start();
  // This process's stderr, where log lines go, captured in a file for the test's length.
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  const int file = ::open(dir.file("stderr.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(::dup2(file, STDERR_FILENO) >= 0);
  probe.publish(test::topic("cmd"),
                R"({"id":"x\n<2>forged","op":"read","point":"p\n<2>farmgate: forged\r\u001b[2J"})");
  const bool answered = probe.wait_for([&](auto&) { return !probe.on("cmd/result").empty(); });
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  ::close(file);
  REQUIRE(answered);
  const std::string log = test::read_file(dir.file("stderr.log"));
  INFO(log);
  CHECK(log.find(R"(\n<2>farmgate: forged\r\x1b[2J)") != std::string::npos);
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK((line.rfind("warning: ", 0) == 0 || line.rfind("info: ", 0) == 0 ||
           line.rfind("error: ", 0) == 0));
  }
}
