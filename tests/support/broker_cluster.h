// A real 3-node RabbitMQ cluster with its MQTT plugin on 127.0.0.1 (tools/broker-cluster),
// started for a test or a benchmark and always stopped, even when it fails.
#pragma once

#include <string>
#include <vector>

namespace farmgate::test {

class BrokerCluster {
 public:
  // Starts nodes 1..3 in `dir` (~20 s); throws std::runtime_error with the script's output.
  // `queue_type` (mqtt.durable_queue_type) of persistent sessions: classic, RabbitMQ's
  // default, lives on the node the client subscribed on; quorum is replicated (install.md).
  explicit BrokerCluster(const std::string& dir, const std::string& queue_type = "classic");
  ~BrokerCluster();  // stops every node (and the cluster's epmd)
  BrokerCluster(const BrokerCluster&) = delete;
  BrokerCluster& operator=(const BrokerCluster&) = delete;

  std::string url(int node) const;  // mqtt://127.0.0.1:PORT of node 1..3
  void kill(int node);              // SIGKILL the node's Erlang VM: a node that dies
  void restart(int node);           // back with its data; returns once it takes MQTT clients
  std::string log_tail(int node, std::size_t bytes = 4000) const;  // for a failure's message

 private:
  void run(const std::vector<std::string>& args) const;
  std::string dir_;
  std::vector<int> mqtt_ports_;  // [0] is node 1
  bool started_ = false;
};

}  // namespace farmgate::test
