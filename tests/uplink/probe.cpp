#include "tests/uplink/probe.h"

#include <mqtt/async_client.h>
#include <unistd.h>

#include <atomic>

#include "tests/support/process.h"
#include "tests/support/text.h"

namespace farmgate::test {
namespace {

std::string paho(const std::string& url) {
  return url.rfind("mqtt://", 0) == 0 ? "tcp://" + url.substr(7) : url;
}

std::string unique_id() {
  static std::atomic<int> n{0};
  return "probe-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

}  // namespace

Probe::Probe(const std::string& url, const std::string& filter, const std::string& client_id)
    : client_(std::make_unique<mqtt::async_client>(paho(url),
                                                   client_id.empty() ? unique_id() : client_id)) {
  client_->set_message_callback([this](mqtt::const_message_ptr m) {
    std::lock_guard<std::mutex> lock(mutex_);
    received_.push_back({m->get_topic(), m->to_string(), m->is_retained()});
  });
  // Subscribing again on every connect: harmless with a kept session, needed without one.
  client_->set_connected_handler([this, filter](const std::string&) {
    try {
      client_->subscribe(filter, 1);
    } catch (const mqtt::exception&) {
    }
  });
  mqtt::connect_options opts;
  opts.set_clean_session(false);
  opts.set_automatic_reconnect(1, 2);
  opts.set_keep_alive_interval(5);
  client_->connect(opts)->wait();
  client_->subscribe(filter, 1)->wait();
}

Probe::~Probe() {
  try {
    client_->disconnect(0)->wait_for(std::chrono::seconds(2));
  } catch (const mqtt::exception&) {
  }
}

void Probe::publish(const std::string& topic, const std::string& payload, bool retained) {
  client_->publish(topic, payload.data(), payload.size(), 1, retained)->wait();
}

std::vector<ProbeMessage> Probe::messages() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return received_;
}

std::vector<ProbeMessage> Probe::on(const std::string& suffix) const {
  std::vector<ProbeMessage> out;
  for (auto& m : messages())
    if (ends_with(m.topic, "/" + suffix)) out.push_back(m);
  return out;
}

bool Probe::wait_for(const std::function<bool(const std::vector<ProbeMessage>&)>& pred,
                     int timeout_ms) const {
  return wait_until([&] { return pred(messages()); }, std::chrono::milliseconds(timeout_ms));
}

bool Probe::connected() const { return client_->is_connected(); }

std::vector<std::int64_t> telemetry_seqs(const std::vector<ProbeMessage>& messages) {
  std::vector<std::int64_t> seqs;
  for (const auto& m : messages) {
    if (!ends_with(m.topic, "/telemetry")) continue;
    auto j = nlohmann::json::parse(m.payload);
    for (const auto& r : j.at("readings")) seqs.push_back(r.at("seq").get<std::int64_t>());
  }
  return seqs;
}

}  // namespace farmgate::test
