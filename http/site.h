// The on-site page and the status socket as the daemon wires them (spec §9). Lives on the
// daemon's loop; owns the HTTP server (server.h), whose own thread does all the network work.
//
//  - Every second the loop builds the status JSON (StatusBuilder, status_json.h) and hands
//    the finished text to the server: a page that polls, or a flood of requests, costs the
//    loop nothing more than that one build per second.
//  - A hold/release from a logged-in page arrives here as a §5 command payload: it is checked
//    by uplink::parse_command against the running config (the same checks as the `cmd`
//    topic), executed by the daemon's command handler (the same one the `cmd` topic calls),
//    and its `command` event recorded, accepted or refused.
//  - The status socket (status_socket_path) is always served, `http:` or not, so that
//    `farmgate status` works over SSH on a gateway whose page is off.
// A listen address that cannot be bound is logged as an error and the page stays off: the
// control loop never stops for the page.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "common/event.h"
#include "config/config.h"
#include "http/server.h"
#include "uplink/commands.h"

namespace farmgate::http {

// <folder of storage.path>/farmgate.sock: the state folder is the daemon's own and writable.
std::string status_socket_path(const config::Config& config);

class Site {
 public:
  using StatusBuilder = std::function<nlohmann::json()>;
  using Reply = std::function<void(const uplink::Outcome&)>;
  using Executor = std::function<void(const uplink::Command&, Reply)>;
  using Recorder = std::function<void(Event)>;

  // All three are called on the loop. `limits`: tests shorten the login lifetime.
  Site(boost::asio::io_context& loop, const config::Config& config, StatusBuilder status,
       Executor execute, Recorder record, ServerLimits limits = {});
  ~Site();
  void start();
  void stop();
  // After a reload: commands are checked against `config`; a changed `http:` (listen,
  // password file or its content) restarts the server (sessions end).
  void set_config(const config::Config& config);
  int port() const;  // the page's bound port, 0 when off

 private:
  void start_server();
  void refresh();
  void run_command(const std::string& payload, Server::Done done);

  boost::asio::io_context& loop_;
  config::Config config_;
  std::string key_;  // what the server was built from
  StatusBuilder status_;
  Executor execute_;
  Recorder record_;
  ServerLimits limits_;
  std::unique_ptr<Server> server_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  bool stopped_ = false;
};

}  // namespace farmgate::http
