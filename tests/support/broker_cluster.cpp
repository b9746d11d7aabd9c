#include "tests/support/broker_cluster.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace farmgate::test {

namespace {

const std::string kScript = std::string(FARMGATE_SOURCE_DIR) + "/tools/broker-cluster";

}  // namespace

BrokerCluster::BrokerCluster(const std::string& dir, const std::string& queue_type) : dir_(dir) {
  ::setenv("FARMGATE_CLUSTER_QUEUE_TYPE", queue_type.c_str(), 1);
  // Each cluster takes 50 ports from its base (tools/broker-cluster): below Linux's ephemeral
  // range, and apart for two runs at once.
  if (!std::getenv("FARMGATE_CLUSTER_PORT_BASE")) {
    const std::string base = std::to_string(20000 + (::getpid() % 190) * 50);
    ::setenv("FARMGATE_CLUSTER_PORT_BASE", base.c_str(), 1);
  }
  started_ = true;  // a half-started cluster is stopped too
  // RabbitMQ 3.10's MQTT client-id tracker (a Raft group over the nodes) sometimes finds no
  // leader when three nodes boot on two busy cores ("client ID registration timed out"):
  // that is the cluster's start, not the test. A fresh start (start wipes DIR) comes up.
  for (int attempt = 1;; ++attempt) {
    try {
      run({"start", dir_});
      break;
    } catch (const std::runtime_error& e) {
      if (attempt == 3) throw;
      std::fprintf(stderr, "broker-cluster: start %d failed, starting again:\n%s\n", attempt, e.what());
      run({"stop", dir_});
    }
  }
  std::ifstream nodes(dir_ + "/nodes");
  std::string line;
  while (std::getline(nodes, line)) {
    std::istringstream in(line);
    std::string n, pid;
    int port = 0;
    if (in >> n >> pid >> port) mqtt_ports_.push_back(port);
  }
  if (mqtt_ports_.size() != 3) throw std::runtime_error("broker-cluster: " + dir_ + "/nodes has no 3 nodes");
}

BrokerCluster::~BrokerCluster() {
  if (!started_) return;
  try {
    run({"stop", dir_});
  } catch (const std::exception&) {
  }
}

std::string BrokerCluster::url(int node) const {
  return "mqtt://127.0.0.1:" + std::to_string(mqtt_ports_.at(node - 1));
}

void BrokerCluster::kill(int node) { run({"kill", dir_, std::to_string(node)}); }

void BrokerCluster::restart(int node) { run({"restart", dir_, std::to_string(node)}); }

std::string BrokerCluster::log_tail(int node, std::size_t bytes) const {
  const std::string n = std::to_string(node);
  const std::string text = read_file(dir_ + "/n" + n + "/log/fg" + n + "@fghost.log");
  return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

void BrokerCluster::run(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{kScript};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string out;
  if (run_command(argv, &out, std::chrono::seconds(180)) != 0)
    throw std::runtime_error("tools/broker-cluster " + args.front() + " failed:\n" + out);
}

}  // namespace farmgate::test
