// The uplink (spec §5) as the daemon wires it: one object on the daemon's io_context that
// owns the MQTT link, forwards the store's unsent events and readings, publishes `status`,
// and answers `cmd`. Everything here runs on the loop thread; not thread-safe.
//
// Topics and payloads are the profile's (uplink.profile, uplink/profile.h); below in the
// terms of the farmgate profile: {topic_prefix}/{gateway.id}/telemetry | events | status |
// cmd | cmd/result, QoS 1. ThingsBoard's RPC topic is its `cmd` and `cmd/result` at once.
// With uplink.compress: zstd (farmgate profile only), telemetry/zstd instead of telemetry
// (compression.h). The periodic status carries the link's bytes_sent (bytes_sent.h).
// On every connect, in this order: subscribe `cmd`, publish the retained online status,
// then the forwarder sends (events first, then the telemetry backlog). Every status_interval
// while connected: the retained periodic status (StatusSource's figures + store.stats()).
//
// Commands (spec §5, §7), in this order:
// - over 4 KiB: refused by size, never copied nor read (the link reports only its size);
// - retained (the broker replays it on every subscribe): refused, "retained commands are
//   refused", once per connection; never executed;
// - parsed and validated (commands.h; a duplicate key is refused);
// - an `id` seen in the last 10 minutes (command_ids.h): its first result again, not
//   executed again, no new event;
// - rate-limited (Tuning::max_commands_per_second): the excess is answered "rate limited",
//   not executed and not remembered (a retry later is taken);
// - a refused one is answered here; a valid one goes to the CommandHandler, which answers
//   through the Reply it is given (once, on the loop, now or later).
// Every answer goes to cmd/result through the ResultQueue (result_queue.h): exactly one
// result per command however many arrive, sent as the link's window allows; when results
// pile up past its high-water mark, `cmd` is unsubscribed until they are out. Every
// command taken also becomes a `command` event in the store (the daemon's commit() makes it
// durable), except rate-limited ones past the first of a streak.
//
// A PUBACK overdue by more than uplink.ack_timeout (mqtt_link.h) adds an `uplink` fault
// event (one per streak of stalls without any acknowledgement between) and reconnects.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "config/config.h"
#include "store/store.h"
#include "uplink/command_ids.h"
#include "uplink/command_rate.h"
#include "uplink/commands.h"
#include "uplink/forwarder.h"
#include "uplink/mqtt_link.h"
#include "uplink/payloads.h"
#include "uplink/profile.h"
#include "uplink/result_queue.h"

namespace farmgate::uplink {

class Uplink {
 public:
  using StatusSource = std::function<StatusSnapshot()>;
  using Reply = std::function<void(const Outcome&)>;
  using CommandHandler = std::function<void(const Command&, Reply)>;

  struct Tuning {
    std::size_t max_in_flight = 8;  // telemetry/event messages awaiting their PUBACK
    // Commands taken per second (command_rate.h: a token bucket, bursts up to as many); the
    // excess is answered ok:false "rate limited" and not executed. Only the first refused one
    // of a streak is recorded as a `command` event, so a flood cannot fill the buffer.
    int max_commands_per_second = 10;
    std::size_t result_window = 16;  // cmd/result messages awaiting their PUBACK
    // Results queued past this (bytes): `cmd` is unsubscribed until a quarter is left.
    std::size_t result_high_water_bytes = 8u << 20;
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
  // Points checked by commands after a reload, their resolutions and report rules, and the
  // devices the profile names from the next connect (the connection settings are not
  // reloaded: build a new Uplink for those).
  void set_config(const config::Config& config);

  bool connected() const { return link_->connected(); }
  // The broker in use, as written in uplink.url; "" when not connected.
  std::string broker() const { return link_->broker(); }
  const std::string& last_error() const { return link_->last_error(); }  // "" when fine
  std::string topic(const std::string& leaf) const { return base_ + leaf; }
  std::size_t in_flight() const { return forwarder_->in_flight(); }
  std::size_t results_queued() const { return results_->queued(); }

 private:
  void on_connected();
  void on_message(const std::string& topic, const std::string& payload, bool retained);
  void on_oversized(const std::string& topic, std::size_t bytes, bool retained);
  void on_retained(const std::string& topic, const std::string& payload);
  // false when `key` is the retained command refused last on this connection (the broker
  // replays it on every subscribe: one refusal is enough); else remembers it.
  bool first_retained_refusal(std::string key);
  void on_rebirth();
  void take(const IncomingCommand& command);  // checked and handled, answered once
  void publish_birth();                       // the profile's on_connect() messages
  void subscribe_commands(bool subscribe);
  void on_stalled(const std::string& why);
  // The one way out for a result (§5 JSON): remembered under its key (duplicates waiting get
  // it too), its event recorded (when there is one), queued for cmd/result as the profile
  // addresses it to reply_to.
  void answer(const std::string& key, const nlohmann::json& reply_to, const std::string& result,
              std::optional<Event> event);
  void refuse(const Refusal& r, bool record, const nlohmann::json& reply_to);
  void watch_backlog();
  void publish_status();
  void arm_status_timer();

  boost::asio::io_context& io_;
  config::Config config_;
  store::Store& store_;
  StatusSource status_;
  CommandHandler commands_;
  std::string base_;
  std::unique_ptr<Profile> profile_;
  Duration status_interval_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // Replies may outlive us
  std::unique_ptr<Forwarder> forwarder_;
  std::unique_ptr<MqttLink> link_;
  boost::asio::steady_timer status_timer_;
  int max_commands_per_second_;
  CommandRate command_rate_;
  bool status_timer_armed_ = false, stopped_ = false;
  std::unique_ptr<ResultQueue> results_;
  CommandIds ids_;
  bool subscribed_ = false;          // `cmd`, on this connection
  bool paused_ = false;              // `cmd` unsubscribed: results must drain first
  // The retained command refused last on this connection ("topic\npayload", or "size:N" when
  // too large to read); never empty once one was, so "" means none yet.
  std::string retained_refused_;
  bool stalled_ = false;             // a stall fault raised, no PUBACK since
};

}  // namespace farmgate::uplink
