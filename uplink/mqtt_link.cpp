#include "uplink/mqtt_link.h"

#include <mqtt/async_client.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <utility>

#include "common/clock.h"
#include "common/log.h"
#include "uplink/tls_probe.h"

namespace farmgate::uplink {

namespace {

// Paho's onFailure code: its own (negative) codes, or the broker's CONNACK refusal (1..5).
std::string describe_connect_failure(int rc) {
  switch (rc) {
    case -1:
      return "no connection (refused, unreachable, or the handshake failed)";
    case 1:
      return "refused by the broker: unacceptable protocol version";
    case 2:
      return "refused by the broker: client id rejected";
    case 3:
      return "refused by the broker: server unavailable";
    case 4:
      return "refused by the broker: bad user name or password (check username and password_file)";
    case 5:
      return "refused by the broker: not authorized (check username and password_file)";
    default:
      return mqtt::exception::error_str(rc);
  }
}

}  // namespace

// Paho's callbacks: each only posts to the loop.
struct MqttLink::Listeners {
  struct Connect : mqtt::iaction_listener {
    MqttLink* link;
    void on_success(const mqtt::token&) override {}  // the connected handler reports it
    void on_failure(const mqtt::token& t) override {
      int rc = t.get_return_code();
      std::string why = describe_connect_failure(rc);
      std::string reason = mqtt::exception::reason_code_str(t.get_reason_code());
      if (t.get_reason_code() != mqtt::ReasonCode::SUCCESS && !reason.empty())
        why += " (" + reason + ")";
      // Named on the loop: the attempt's server (current_) only changes there, after this.
      link->post([l = link, why] {
        l->on_connect_failed("connect to " + l->url() + " failed: " + why);
      });
    }
  };
  struct Publish : mqtt::iaction_listener {
    MqttLink* link;
    static std::uint64_t key_of(const mqtt::token& t) {
      return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(t.get_user_context()));
    }
    void on_success(const mqtt::token& t) override {
      std::uint64_t key = key_of(t);
      link->post([l = link, key] { l->on_ack(key, true); });
    }
    void on_failure(const mqtt::token& t) override {
      std::uint64_t key = key_of(t);
      link->post([l = link, key] { l->on_ack(key, false); });
    }
  };
  // The disconnect of a stalled connection: either way, connect again.
  struct Reopen : mqtt::iaction_listener {
    MqttLink* link;
    void on_success(const mqtt::token&) override {
      link->post([l = link] { l->connect(); });
    }
    void on_failure(const mqtt::token&) override {
      link->post([l = link] { l->connect(); });
    }
  };
  Connect connect;
  Publish publish;
  Reopen reopen;
};

template <typename F>
void MqttLink::post(F f) {
  // Runs on Paho threads too: reads only members that stay unchanged until client_ is gone.
  // Work that reaches the loop after the link was destroyed finds the pointer expired.
  boost::asio::post(io_, [alive = weak_alive_, f = std::move(f)]() mutable {
    if (alive.lock()) f();
  });
}

MqttLink::MqttLink(boost::asio::io_context& io, LinkSettings settings, LinkHandlers handlers)
    : io_(io),
      settings_(std::move(settings)),
      handlers_(std::move(handlers)),
      alive_(std::make_shared<bool>(true)),
      weak_alive_(alive_),
      listeners_(std::make_unique<Listeners>()),
      retry_timer_(io),
      ack_timer_(io),
      retry_delay_(settings_.min_retry) {
  listeners_->connect.link = this;
  listeners_->publish.link = this;
  listeners_->reopen.link = this;
  // No persistence, no offline buffer: the store is the buffer.
  client_ = std::make_unique<mqtt::async_client>(settings_.brokers.at(0).uri, settings_.client_id,
                                                 static_cast<mqtt::iclient_persistence*>(nullptr));
  client_->set_connected_handler([this](const std::string&) {
    post([this] {
      connected_ = true;
      retry_delay_ = settings_.min_retry;
      last_error_.clear();
      awaiting_.clear();  // a clean session: nothing of the last connection will be acked
      arm_ack_timer();
      log::info("uplink: connected to ", url());
      handlers_.connected();
    });
  });
  client_->set_connection_lost_handler([this](const std::string& cause) {
    post([this, cause] {
      connected_ = false;
      awaiting_.clear();
      last_error_ = "connection to " + url() + " lost" +
                    (cause.empty() ? "" : ": " + cause);
      log::warning("uplink: ", last_error_, "; reconnecting");
      handlers_.disconnected(last_error_);
      retry_next();
    });
  });
  client_->set_message_callback([this](mqtt::const_message_ptr m) {
    // The size first, from Paho's own buffer: an oversized payload is never copied.
    const std::size_t bytes = m->get_payload_ref().size();
    const bool retained = m->is_retained();
    if (bytes > settings_.max_message_bytes) {
      post([this, topic = m->get_topic(), bytes, retained] {
        if (handlers_.oversized) handlers_.oversized(topic, bytes, retained);
      });
      return;
    }
    post([this, topic = m->get_topic(), payload = m->to_string(), retained] {
      handlers_.message(topic, payload, retained);
    });
  });
}

MqttLink::~MqttLink() {
  alive_.reset();
  if (tls_probe_.joinable()) tls_probe_.join();
  retry_timer_.cancel();
  ack_timer_.cancel();
  if (client_) {
    try {
      if (client_->is_connected()) client_->disconnect(0)->wait_for(std::chrono::seconds(1));
    } catch (const mqtt::exception&) {
    }
    client_.reset();  // no Paho callback runs after this
  }
}

void MqttLink::start() {
  if (started_) return;
  started_ = true;
  connect();
}

void MqttLink::connect() {
  if (stopping_ || !client_) return;
  mqtt::connect_options opts;
  opts.set_clean_session(true);
  opts.set_keep_alive_interval(
      std::chrono::duration_cast<std::chrono::seconds>(settings_.keep_alive));
  opts.set_connect_timeout(
      std::chrono::duration_cast<std::chrono::seconds>(settings_.connect_timeout));
  // One server per attempt, no automatic reconnect: this class rotates (header).
  opts.set_servers(std::make_shared<mqtt::string_collection>(server_uri()));
  opts.set_automatic_reconnect(false);
  // Above the forwarder's window, so status and command results never wait behind it.
  opts.set_max_inflight(64);
  if (!settings_.username.empty()) opts.set_user_name(settings_.username);
  if (!settings_.password.empty()) opts.set_password(settings_.password);
  if (handlers_.next_will) settings_.will_payload = handlers_.next_will();  // stop() sends it too
  opts.set_will(
      mqtt::will_options(settings_.will_topic, settings_.will_payload, 1, settings_.will_retained));
  if (settings_.tls) {
    mqtt::ssl_options ssl;
    ssl.set_trust_store(settings_.trust_store);
    if (!settings_.cert_file.empty()) ssl.set_key_store(settings_.cert_file);
    if (!settings_.key_file.empty()) ssl.set_private_key(settings_.key_file);
    ssl.set_enable_server_cert_auth(true);
    ssl.set_verify(true);  // the host name must match the certificate
    opts.set_ssl(std::move(ssl));
  }
  try {
    client_->connect(opts, nullptr, listeners_->connect);
  } catch (const mqtt::exception& e) {
    on_connect_failed("connect to " + url() + " failed: " + e.what());
  }
}

void MqttLink::on_connect_failed(const std::string& why) {
  connected_ = false;
  last_error_ = why;
  if (settings_.tls) probe_tls_failure();
  log::warning("uplink: ", last_error_);
  handlers_.disconnected(last_error_);
  retry_next();
}

void MqttLink::retry_next() {
  if (stopping_) return;
  next_broker();
  retry_timer_.expires_after(retry_delay_);
  retry_delay_ = std::min(retry_delay_ * 2, settings_.max_retry);
  retry_timer_.async_wait([this, alive = weak_alive_](boost::system::error_code ec) {
    if (!ec && alive.lock()) connect();
  });
}

void MqttLink::stop() {
  if (stopping_) return;
  stopping_ = true;
  retry_timer_.cancel();
  ack_timer_.cancel();
  if (!client_) return;
  try {
    if (client_->is_connected()) {
      auto offline =
          mqtt::make_message(settings_.will_topic, settings_.will_payload, 1, settings_.will_retained);
      client_->publish(offline)->wait_for(std::chrono::seconds(2));
      client_->disconnect(2000)->wait_for(std::chrono::seconds(3));
    }
  } catch (const mqtt::exception& e) {
    log::warning("uplink: clean disconnect failed: ", e.what());
  }
  // Destroying the client also ends any reconnect attempt still pending.
  client_.reset();
  connected_ = false;
}

bool MqttLink::publish(const std::string& topic, const std::string& payload, bool retained,
                       std::uint64_t id) {
  if (!connected_ || !client_) return false;
  const std::uint64_t key = next_key_++;
  try {
    auto msg = mqtt::make_message(topic, payload, 1, retained);
    awaiting_.emplace(key, Awaiting{id, std::chrono::steady_clock::now()});
    client_->publish(msg, reinterpret_cast<void*>(static_cast<std::uintptr_t>(key)),
                     listeners_->publish);
    bytes_sent_.add(topic.size() + payload.size(), wall_ms());
    return true;
  } catch (const mqtt::exception& e) {
    awaiting_.erase(key);
    // Typically the connection dropped and the loop has not heard yet.
    log::debug("uplink: publish on ", topic, " refused: ", e.what());
    return false;
  }
}

void MqttLink::unsubscribe(const std::string& topic) {
  if (!client_ || !connected_) return;
  try {
    client_->unsubscribe(topic);
  } catch (const mqtt::exception& e) {
    log::warning("uplink: unsubscribe from ", topic, " failed: ", e.what());
  }
}

void MqttLink::on_ack(std::uint64_t key, bool ok) {
  auto it = awaiting_.find(key);
  if (it == awaiting_.end()) return;  // of a connection already given up
  const std::uint64_t id = it->second.id;
  awaiting_.erase(it);
  if (id == 0) return;
  if (ok) {
    handlers_.delivered(id);
  } else {
    handlers_.failed(id);
  }
}

void MqttLink::arm_ack_timer() {
  if (ack_timer_armed_ || stopping_) return;
  ack_timer_armed_ = true;
  // Checked a few times per ack_timeout: a stall is seen at most ~1/4 of it late.
  const Duration every = std::clamp(settings_.ack_timeout / 4, Duration(50), Duration(5000));
  ack_timer_.expires_after(every);
  ack_timer_.async_wait([this, alive = weak_alive_](boost::system::error_code ec) {
    if (!alive.lock()) return;
    ack_timer_armed_ = false;
    if (ec || stopping_) return;
    check_acks();
    arm_ack_timer();
  });
}

void MqttLink::check_acks() {
  if (!connected_ || awaiting_.empty()) return;
  const auto age = std::chrono::steady_clock::now() - awaiting_.begin()->second.sent;
  if (age <= settings_.ack_timeout) return;
  const auto ms = std::chrono::duration_cast<Duration>(age).count();
  reopen("no PUBACK from " + url() + " for " + std::to_string(ms / 1000) + "." +
         std::to_string(ms % 1000 / 100) + " s (uplink.ack_timeout " +
         std::to_string(settings_.ack_timeout.count()) + " ms, " +
         std::to_string(awaiting_.size()) +
         " message(s) unacknowledged): dropping the connection and connecting again");
}

void MqttLink::reopen(const std::string& why) {
  connected_ = false;
  awaiting_.clear();
  last_error_ = why;
  log::warning("uplink: ", why);
  if (handlers_.stalled) handlers_.stalled(why);
  handlers_.disconnected(why);
  // The next broker of the list: a stalled node is as good as a dead one.
  next_broker();
  try {
    client_->disconnect(0, nullptr, listeners_->reopen);
  } catch (const mqtt::exception& e) {
    log::debug("uplink: disconnect of the stalled connection: ", e.what());
    connect();
  }
}

void MqttLink::subscribe(const std::string& topic) {
  if (!client_) return;
  try {
    client_->subscribe(topic, 0);  // QoS 0: see the header
  } catch (const mqtt::exception& e) {
    log::warning("uplink: subscribe to ", topic, " failed: ", e.what());
  }
}

}  // namespace farmgate::uplink

namespace farmgate::uplink {

// Paho says only that the TLS connect failed; OpenSSL, asked again, says why. One probe at
// a time, on its own thread (it blocks for up to a few seconds).
void MqttLink::probe_tls_failure() {
  if (probing_) return;
  if (tls_probe_.joinable()) tls_probe_.join();  // the previous one has posted already
  probing_ = true;
  tls_probe_ = std::thread([this, settings = settings_, uri = server_uri(), url = url(),
                            alive = weak_alive_] {
    std::string reason = probe_tls(settings, uri, std::chrono::seconds(5));
    if (!alive.lock()) return;
    post([this, reason, url] {
      probing_ = false;
      if (reason.empty() || connected_) return;
      last_error_ = "connect to " + url + " failed: TLS: " + reason;
      log::warning("uplink: ", last_error_);
    });
  });
}

}  // namespace farmgate::uplink
