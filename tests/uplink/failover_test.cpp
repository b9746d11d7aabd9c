// Several brokers (spec §8): a gateway whose broker node dies, hangs or comes back moves along
// its uplink.url list, and every seq reaches the platform — which, like a real cluster's
// consumer, reads every node and de-duplicates by seq. Real mosquittos on loopback, killed
// with SIGKILL or frozen with SIGSTOP, as a node of a cluster dies.
#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

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

// What the platform's consumer has: every seq seen on any node, once.
std::set<std::int64_t> seqs_on(const std::vector<const Probe*>& nodes) {
  std::set<std::int64_t> out;
  for (const Probe* p : nodes)
    for (auto s : test::telemetry_seqs(p->messages())) out.insert(s);
  return out;
}

// True when `seen` holds exactly first .. first + n - 1.
bool every_seq(const std::set<std::int64_t>& seen, std::size_t n) {
  return seen.size() == n && *seen.rbegin() - *seen.begin() + 1 == static_cast<std::int64_t>(n);
}

config::Config two_broker_config(const Broker& first, const Broker& second, const TempDir& dir) {
  auto c = test::uplink_config(first.url(), dir.file("buffer.db"), 20, 50, 300);
  c.uplink->urls = {first.url(), second.url()};
  return c;
}

}  // namespace

TEST_CASE("a node killed with messages unacknowledged: the gateway moves to the next broker "
          "of its list and the platform misses no seq", "[failover][mqtt]") {
  TempDir dir;
  TempDir dir1, dir2;  // a node each: its own mosquitto.conf and log
  Broker node1(dir1.path()), node2(dir2.path());
  Probe on1(node1.url(), test::topic("#"), "platform-1");
  Probe on2(node2.url(), test::topic("#"), "platform-2");
  Gateway gw(two_broker_config(node1, node2, dir));
  gw.start();
  CHECK(gw.broker() == node1.url());
  gw.add_readings(100, 1764320400000);
  REQUIRE(test::wait_until([&] { return gw.stats().unsent == 0; }));
  REQUIRE(test::wait_until([&] { return seqs_on({&on1}).size() == 100; }));

  // Frozen, node 1 takes these from the socket and acknowledges none; then it dies.
  node1.pause();
  gw.add_readings(100, 1764320500000);
  REQUIRE(test::wait_until([&] { return gw.loop.on_loop([&] { return gw.uplink->in_flight(); }) > 0; }));
  node1.kill();
  for (int i = 0; i < 10; ++i) gw.add_readings(10, 1764320600000 + i * 100);  // meanwhile

  REQUIRE(test::wait_until([&] { return gw.broker() == node2.url(); }, std::chrono::seconds(15)));
  REQUIRE(test::wait_until([&] { return gw.stats().unsent == 0; }, std::chrono::seconds(15)));
  REQUIRE(test::wait_until([&] { return seqs_on({&on1, &on2}).size() >= 300; }));
  const auto seen = seqs_on({&on1, &on2});
  CHECK(every_seq(seen, 300));
  CHECK(seqs_on({&on2}).size() >= 200);  // what node 1 never acknowledged came again on node 2

  // The status names the broker in use.
  REQUIRE(on2.wait_for([&](const std::vector<test::ProbeMessage>& m) {
    for (const auto& msg : m)
      if (msg.topic == test::topic("status") &&
          msg.payload.find(R"("broker":")" + node2.url() + "\"") != std::string::npos)
        return true;
    return false;
  }));
}

TEST_CASE("a node that hangs (no PUBACK) is left for the next broker after ack_timeout",
          "[failover][mqtt]") {
  TempDir dir;
  TempDir dir1, dir2;  // a node each: its own mosquitto.conf and log
  Broker node1(dir1.path()), node2(dir2.path());
  Probe on1(node1.url(), test::topic("telemetry"), "platform-1");
  Probe on2(node2.url(), test::topic("telemetry"), "platform-2");
  auto c = two_broker_config(node1, node2, dir);
  c.uplink->ack_timeout = Duration(1000);
  Gateway gw(c);
  gw.start();
  gw.add_readings(50, 1764320400000);
  REQUIRE(test::wait_until([&] { return seqs_on({&on1}).size() == 50; }));

  node1.pause();  // TCP stays up, keep-alive has not noticed: only the missing PUBACKs tell
  gw.add_readings(50, 1764320500000);
  REQUIRE(test::wait_until([&] { return gw.broker() == node2.url(); }, std::chrono::seconds(15)));
  CHECK(gw.last_error().empty());
  REQUIRE(test::wait_until([&] { return gw.stats().unsent == 0; }, std::chrono::seconds(15)));
  REQUIRE(test::wait_until([&] { return seqs_on({&on1, &on2}).size() >= 100; }));
  CHECK(every_seq(seqs_on({&on1, &on2}), 100));
  node1.resume();
}

TEST_CASE("a dead first url: the gateway connects to the second and delivers", "[failover][mqtt]") {
  TempDir dir;
  Broker node2(dir.path());
  Probe on2(node2.url(), test::topic("telemetry"), "platform-2");
  auto c = test::uplink_config("mqtt://127.0.0.1:" + std::to_string(test::free_tcp_port()),
                               dir.file("buffer.db"));
  c.uplink->urls.push_back(node2.url());
  Gateway gw(c);
  gw.add_readings(20);
  gw.loop.on_loop([&] {
    gw.uplink->start();
    return 0;
  });
  REQUIRE(test::wait_until([&] { return gw.broker() == node2.url(); }, std::chrono::seconds(10)));
  REQUIRE(test::wait_until([&] { return seqs_on({&on2}).size() == 20; }));
  CHECK(every_seq(seqs_on({&on2}), 20));
}

TEST_CASE("a node that comes back is met again in its turn: the list's order is no trap",
          "[failover][mqtt]") {
  TempDir dir;
  TempDir dir1, dir2;  // a node each: its own mosquitto.conf and log
  Broker node1(dir1.path()), node2(dir2.path());
  Gateway gw(two_broker_config(node1, node2, dir));
  gw.start();
  gw.add_readings(10, 1764320400000);
  REQUIRE(test::wait_until([&] { return gw.stats().unsent == 0; }));

  node1.kill();
  REQUIRE(test::wait_until([&] { return gw.broker() == node2.url(); }, std::chrono::seconds(15)));
  // Node 1 back: the gateway stays where it is (a working connection is not given up for
  // the list's order); when node 2 dies, the next in turn is node 1 again.
  node1.start();
  Probe on1(node1.url(), test::topic("telemetry"), "platform-1");
  Probe on2(node2.url(), test::topic("telemetry"), "platform-2");
  gw.add_readings(10, 1764320500000);
  REQUIRE(test::wait_until([&] { return gw.stats().unsent == 0; }));
  CHECK(gw.broker() == node2.url());
  CHECK(seqs_on({&on1}).empty());

  node2.kill();
  gw.add_readings(10, 1764320600000);
  REQUIRE(test::wait_until([&] { return gw.broker() == node1.url(); }, std::chrono::seconds(15)));
  REQUIRE(test::wait_until([&] { return gw.stats().unsent == 0; }, std::chrono::seconds(15)));
  REQUIRE(test::wait_until([&] { return seqs_on({&on1, &on2}).size() >= 20; }));
  CHECK(every_seq(seqs_on({&on1, &on2}), 20));
}
