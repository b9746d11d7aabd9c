// The uplink (spec §5) as the daemon wires it: one object on the daemon's io_context that
// owns the MQTT link, forwards the store's unsent events and readings, publishes `status`,
// and answers `cmd`. Everything here runs on the loop thread; not thread-safe.
//
// Topics: {topic_prefix}/{gateway.id}/telemetry | events | status | cmd | cmd/result, QoS 1.
// On every connect, in this order: subscribe `cmd`, publish the retained online status,
// then the forwarder sends (events first, then the telemetry backlog). Every status_interval
// while connected: the retained periodic status (StatusSource's figures + store.stats()).
//
// Commands: a payload on `cmd` is parsed and validated (commands.h). A refused one is
// answered here ({"id":…,"ok":false,"error":…} on cmd/result) and recorded as a `command`
// event in the store; a valid one goes to the CommandHandler, which answers through the
// Reply it is given (once, on the loop, now or later); the answer goes to cmd/result and
// its `command` event to the store. The daemon's commit() makes the events durable.
// Commands are rate-limited (Tuning::max_commands_per_second).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "config/config.h"
#include "store/store.h"
#include "uplink/commands.h"
#include "uplink/forwarder.h"
#include "uplink/mqtt_link.h"
#include "uplink/payloads.h"

namespace farmgate::uplink {

class Uplink {
 public:
  using StatusSource = std::function<StatusSnapshot()>;
  using Reply = std::function<void(const Outcome&)>;
  using CommandHandler = std::function<void(const Command&, Reply)>;

  struct Tuning {
    std::size_t max_in_flight = 8;  // telemetry/event messages awaiting their PUBACK
    // Commands taken per second (a fixed one-second window); the excess is answered
    // ok:false "rate limited" and not executed. Only the first refused one of a window is
    // recorded as a `command` event, so a flood cannot fill the buffer with events.
    int max_commands_per_second = 10;
  };

  // REQUIRES config.uplink. Throws std::runtime_error with a message for the user when the
  // settings cannot be used (unreadable password_file, unsupported url). `store` and `io`
  // must outlive the Uplink. A null CommandHandler refuses every valid command.
  Uplink(boost::asio::io_context& io, const config::Config& config, store::Store& store,
         StatusSource status, CommandHandler commands, Tuning tuning);
  Uplink(boost::asio::io_context& io, const config::Config& config, store::Store& store,
         StatusSource status, CommandHandler commands)
      : Uplink(io, config, store, std::move(status), std::move(commands), Tuning{}) {}
  ~Uplink();
  Uplink(const Uplink&) = delete;
  Uplink& operator=(const Uplink&) = delete;

  void start();  // connects in the background and keeps reconnecting
  // Clean end: stops sending, publishes the retained {"state":"offline"}, disconnects.
  // Blocks the loop for at most a few seconds. Unacknowledged data stays unsent in the store.
  void stop();
  // Points checked by commands after a reload (the connection settings are not reloaded:
  // build a new Uplink for those).
  void set_config(const config::Config& config) { config_ = config; }

  bool connected() const { return link_->connected(); }
  const std::string& last_error() const { return link_->last_error(); }  // "" when fine
  std::string topic(const std::string& leaf) const { return base_ + leaf; }
  std::size_t in_flight() const { return forwarder_->in_flight(); }

 private:
  void on_connected();
  void on_message(const std::string& topic, const std::string& payload);
  void answer(const std::string& id, const Outcome& outcome, Event event);
  void publish_status();
  void arm_status_timer();

  boost::asio::io_context& io_;
  config::Config config_;
  store::Store& store_;
  StatusSource status_;
  CommandHandler commands_;
  std::string base_;
  Duration status_interval_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // Replies may outlive us
  std::unique_ptr<Forwarder> forwarder_;
  std::unique_ptr<MqttLink> link_;
  boost::asio::steady_timer status_timer_;
  bool rate_limited(const std::string& payload);
  int max_commands_per_second_;
  std::chrono::steady_clock::time_point command_window_{};
  int commands_in_window_ = 0;
  bool status_timer_armed_ = false, stopped_ = false;
};

}  // namespace farmgate::uplink
