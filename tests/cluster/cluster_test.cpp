// A fleet on a real broker cluster (spec §8 "Several brokers"): gateways publish through node
// 1 of a 3-node RabbitMQ cluster while the platform's consumer holds a persistent QoS 1
// session on node 2. Node 1's Erlang VM is killed with SIGKILL: the gateways move to node 3,
// the next url of their list, and the consumer — de-duplicating by (gateway, seq) — misses
// no seq. Then node 1 comes back and node 3 dies: the gateways go round to node 1 again.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/support/broker_cluster.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/uplink/fixtures.h"
#include "tests/uplink/probe.h"

using namespace farmgate;
using farmgate::test::BrokerCluster;
using farmgate::test::Gateway;
using farmgate::test::Probe;
using farmgate::test::TempDir;

namespace {

constexpr int kGateways = 4;

// What the consumer keeps: the seqs of each gateway's readings, each once.
std::map<std::string, std::set<std::int64_t>> seqs_by_gateway(const Probe& consumer) {
  std::map<std::string, std::set<std::int64_t>> out;
  for (const auto& m : consumer.messages()) {
    const auto j = nlohmann::json::parse(m.payload, nullptr, false);
    if (j.is_discarded() || !j.contains("readings")) continue;
    for (const auto& r : j["readings"]) out[j["gateway"]].insert(r["seq"].get<std::int64_t>());
  }
  return out;
}

// The fleet: each gateway its own store and uplink, list [node 1, node 3].
struct Fleet {
  Fleet(const BrokerCluster& cluster, const TempDir& dir) {
    for (int i = 0; i < kGateways; ++i) {
      const std::string id = "gw-c" + std::to_string(i + 1);
      auto c = test::uplink_config(cluster.url(1), dir.file(id + ".db"), 50, 50, 60000);
      c.gateway.id = id;
      c.uplink->client_id = id;
      c.uplink->urls = {cluster.url(1), cluster.url(3)};
      gateways.push_back(std::make_unique<Gateway>(c));
    }
  }
  // Readings keep coming in, as polls do: `n` more on every gateway.
  void produce(int n) {
    for (auto& g : gateways) g->add_readings(n, 1764320400000 + produced);
    produced += n;
  }
  bool all_on(const std::string& url) {
    for (auto& g : gateways)
      if (g->broker() != url) return false;
    return true;
  }
  bool all_sent() {
    for (auto& g : gateways)
      if (g->stats().unsent != 0) return false;
    return true;
  }
  std::vector<std::unique_ptr<Gateway>> gateways;
  std::int64_t produced = 0;
};

// Every gateway's seqs, as the consumer has them, are `produced` in a row.
bool nothing_missing(const Probe& consumer, std::int64_t produced) {
  const auto seen = seqs_by_gateway(consumer);
  if (seen.size() != static_cast<std::size_t>(kGateways)) return false;
  for (const auto& [gateway, seqs] : seen)
    if (static_cast<std::int64_t>(seqs.size()) != produced ||
        *seqs.rbegin() - *seqs.begin() + 1 != produced)
      return false;
  return true;
}

}  // namespace

TEST_CASE("a node of a 3-node RabbitMQ cluster dies under a fleet: the gateways move on and "
          "the consumer misses no seq, and when the node comes back the list's order is no trap",
          "[cluster][failover][mqtt]") {
  TempDir dir("farmgate-cluster");
  BrokerCluster cluster(dir.path() + "/cluster");
  Probe consumer(cluster.url(2), "farmgate/+/telemetry", "platform-consumer");
  Fleet fleet(cluster, dir);
  for (auto& g : fleet.gateways) g->start();
  REQUIRE(fleet.all_on(cluster.url(1)));
  for (int i = 0; i < 10; ++i) fleet.produce(20);

  cluster.kill(1);
  for (int i = 0; i < 10; ++i) fleet.produce(20);  // polls go on meanwhile
  const bool moved = test::wait_until([&] { return fleet.all_on(cluster.url(3)); }, std::chrono::seconds(30)) &&
                     test::wait_until([&] { return fleet.all_sent(); }, std::chrono::seconds(30));
  if (!moved) WARN("node 3's log ends:\n" << cluster.log_tail(3));
  REQUIRE(moved);
  const auto produced = fleet.produced;
  CHECK(test::wait_until([&] { return nothing_missing(consumer, produced); }, std::chrono::seconds(20)));

  // Node 1 back: nobody leaves node 3 for it. Node 3 dies: round to node 1 again.
  cluster.restart(1);
  fleet.produce(20);
  REQUIRE(test::wait_until([&] { return fleet.all_sent(); }, std::chrono::seconds(30)));
  CHECK(fleet.all_on(cluster.url(3)));
  cluster.kill(3);
  for (int i = 0; i < 5; ++i) fleet.produce(20);
  REQUIRE(test::wait_until([&] { return fleet.all_on(cluster.url(1)); }, std::chrono::seconds(30)));
  REQUIRE(test::wait_until([&] { return fleet.all_sent(); }, std::chrono::seconds(30)));
  const auto total = fleet.produced;
  CHECK(test::wait_until([&] { return nothing_missing(consumer, total); }, std::chrono::seconds(20)));
  if (!nothing_missing(consumer, total))
    for (const auto& [gateway, seqs] : seqs_by_gateway(consumer))
      WARN(gateway << ": " << seqs.size() << " seqs of " << total);
}
