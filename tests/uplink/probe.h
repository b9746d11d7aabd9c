// The platform's side in tests: a Paho client subscribed to the gateway's topics that keeps
// every message it receives, in arrival order. Persistent session (clean_session false) and
// automatic reconnect, so with a broker that has persistence on nothing is missed across a
// broker restart.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mqtt {
class async_client;
}

namespace farmgate::test {

struct ProbeMessage {
  std::string topic;  // full topic
  std::string payload;
  bool retained = false;
};

class Probe {
 public:
  // Connects to `url` (mqtt://127.0.0.1:PORT) and subscribes `filter` at QoS 1.
  Probe(const std::string& url, const std::string& filter, const std::string& client_id = "");
  ~Probe();

  void publish(const std::string& topic, const std::string& payload, bool retained = false);
  // A copy of everything received so far.
  std::vector<ProbeMessage> messages() const;
  std::vector<ProbeMessage> on(const std::string& topic_suffix) const;  // topic ends with it
  // Polls until pred(messages()) holds (true) or the timeout passes (false).
  bool wait_for(const std::function<bool(const std::vector<ProbeMessage>&)>& pred,
                int timeout_ms = 10000) const;
  bool connected() const;

 private:
  std::unique_ptr<mqtt::async_client> client_;
  mutable std::mutex mutex_;
  std::vector<ProbeMessage> received_;
};

// Seqs of every reading in the telemetry messages, in arrival order.
std::vector<std::int64_t> telemetry_seqs(const std::vector<ProbeMessage>& messages);

}  // namespace farmgate::test
