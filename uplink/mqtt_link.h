// The MQTT connection (Paho C++ async client), confined behind a small interface whose
// handlers all run on the daemon's io_context. Paho's threads only post to that loop.
//
// Choices, and why:
// - No Paho buffering: publish() hands a message to Paho only while connected and returns
//   false otherwise. SQLite is the one buffer; Paho's own is not durable (it never fsyncs).
// - clean_session = true. A command is meant for the moment it is sent (a `hold` of 30m
//   from an operator watching the pond): replaying commands queued by the broker after
//   hours offline could drive an actuator nobody asked for now. The platform sees no
//   cmd/result and resends if still wanted. A clean session also keeps Paho from re-sending
//   its own in-flight publishes after a reconnect, which the forwarder re-sends from SQLite
//   anyway. So `cmd` is subscribed again on every connect (from the loop, before anything
//   is published on that connection).
// - The command topics are subscribed at QoS 0. With a clean session, QoS 1 on this leg buys
//   nothing: what the broker has in flight to us when the connection drops is dropped with
//   the session either way (and a live TCP connection loses nothing). But a broker may keep
//   a QoS 1 subscription in a durable queue on the node we were connected to: RabbitMQ 3.10
//   does, even for a clean session, and when that node dies the queue cannot be declared
//   on another node until it is back — the gateway's subscribe is refused there and its
//   connection closed, so it could not fail over (tests/cluster). The platform still
//   publishes commands at QoS 1 (spec §5) and gets exactly one cmd/result per command.
// - Brokers and reconnects are this class's, not Paho's (its automatic reconnect is off, and
//   each connect names one server): settings.brokers are tried round robin, the next one
//   after every failed attempt and after a lost or stalled connection, with a doubling delay
//   (min_retry .. max_retry, back to min_retry once connected). Paho's own list would start
//   every attempt at the first URI again — a node that swallows SYNs costs connect_timeout on
//   each one — and would not say which broker it reached; a node that comes back is simply
//   met again in its turn (spec §8 "Several brokers").
// - Will: retained {"state":"offline"} on `status`; stop() publishes it itself, since a
//   clean disconnect does not fire the will.
// - Ack watchdog (spec §7): every publish is timed until its PUBACK. One overdue by more
//   than settings.ack_timeout means the connection is dead in a way TCP and keep-alive do
//   not see (a broker that accepts and never acknowledges): stalled() is reported, then
//   disconnected(), the connection is dropped and opened again by this class (with the same
//   backoff). The forwarder sends everything unacknowledged again on the new connection.
// - Incoming messages over settings.max_message_bytes are reported by size through
//   oversized() and never copied out of Paho (a 100 MB `cmd` must not become 400 MB).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "uplink/bytes_sent.h"
#include "uplink/link_settings.h"

namespace mqtt {
class async_client;
}

namespace farmgate::uplink {

// Called on the io_context, never on a Paho thread.
struct LinkHandlers {
  std::function<void()> connected;
  std::function<void(const std::string& why)> disconnected;  // lost, or a connect failed
  // `retained`: the broker replayed a retained message on (re)subscribe.
  std::function<void(const std::string& topic, const std::string& payload, bool retained)> message;
  std::function<void(const std::string& topic, std::size_t bytes, bool retained)> oversized;
  // A PUBACK was overdue: the why, before disconnected() and the re-open.
  std::function<void(const std::string& why)> stalled;
  std::function<void(std::uint64_t id)> delivered;  // the broker acknowledged (PUBACK)
  std::function<void(std::uint64_t id)> failed;     // Paho gave up on it
  // Before every connect attempt: the will's payload for it (Sparkplug's NDEATH names the
  // session's bdSeq). Unset: settings.will_payload throughout.
  std::function<std::string()> next_will;
};

class MqttLink {
 public:
  MqttLink(boost::asio::io_context& io, LinkSettings settings, LinkHandlers handlers);
  ~MqttLink();  // disconnects without the offline status (use stop() for a clean end)
  MqttLink(const MqttLink&) = delete;
  MqttLink& operator=(const MqttLink&) = delete;

  void start();  // connects in the background; connected() follows on the loop
  // Publishes `{"state":"offline"}` retained and disconnects, waiting at most ~2 s each.
  // Blocks the loop thread briefly: meant for shutdown.
  void stop();

  // QoS 1. Returns false (and sends nothing) when not connected or Paho refused it; `id`
  // comes back through delivered()/failed(). id 0: nobody needs to hear about it.
  bool publish(const std::string& topic, const std::string& payload, bool retained,
               std::uint64_t id);
  void subscribe(const std::string& topic);
  void unsubscribe(const std::string& topic);
  std::size_t awaiting_ack() const { return awaiting_.size(); }  // publishes without PUBACK
  // Topic and payload bytes of every publish handed to Paho (bytes_sent.h says what is not).
  const BytesSent& bytes_sent() const { return bytes_sent_; }

  bool connected() const { return connected_; }  // as the loop last heard it
  // The broker in use as written in uplink.url (e.g. "mqtt://node2:1883"); "" when not connected.
  std::string broker() const { return connected_ ? url() : std::string(); }
  // The last connection problem, e.g. "TLS: ... certificate verify failed"; "" once connected.
  const std::string& last_error() const { return last_error_; }
  const LinkSettings& settings() const { return settings_; }

 private:
  struct Listeners;
  void connect();
  void on_connect_failed(const std::string& why);
  // After a failed attempt or a lost connection: the next broker, after retry_delay_.
  void retry_next();
  // The broker of the current or next attempt: Paho's form, and as written in the config.
  const std::string& server_uri() const { return settings_.brokers.at(current_).uri; }
  const std::string& url() const { return settings_.brokers.at(current_).url; }
  void next_broker() { current_ = (current_ + 1) % settings_.brokers.size(); }
  template <typename F>
  void post(F f);

  boost::asio::io_context& io_;
  LinkSettings settings_;
  LinkHandlers handlers_;
  std::shared_ptr<bool> alive_;  // posted work checks it: the link may be gone by then
  const std::weak_ptr<bool> weak_alive_;
  std::unique_ptr<Listeners> listeners_;  // must outlive client_
  std::unique_ptr<mqtt::async_client> client_;
  boost::asio::steady_timer retry_timer_;
  // The watchdog: what was published on this connection and is not acknowledged yet, by a
  // key of our own (Paho's user context), oldest first; `id` is the caller's.
  struct Awaiting {
    std::uint64_t id;
    std::chrono::steady_clock::time_point sent;
  };
  std::map<std::uint64_t, Awaiting> awaiting_;
  std::uint64_t next_key_ = 1;
  BytesSent bytes_sent_;
  boost::asio::steady_timer ack_timer_;
  bool ack_timer_armed_ = false;
  void arm_ack_timer();
  void check_acks();
  void on_ack(std::uint64_t key, bool ok);
  void reopen(const std::string& why);
  Duration retry_delay_;
  std::size_t current_ = 0;  // index in settings_.brokers: connected to, or being tried
  bool started_ = false, connected_ = false, stopping_ = false;
  std::string last_error_;
  // After a failed TLS connect, a probe thread asks OpenSSL why (tls_probe.h) and posts the
  // reason to the loop; joined before the link goes.
  void probe_tls_failure();
  std::thread tls_probe_;
  bool probing_ = false;
};

}  // namespace farmgate::uplink
