// The running daemon (`farmgate run`): one Asio loop thread that owns the store, the rules
// engine and the uplink, with one BusOwner thread per bus posting its results to the loop.
//
//   readings:  BusOwner -> on_poll -> store.add + engine.on_reading -> tick -> writes
//   writes:    engine -> BusOwner::write (read back) -> engine.on_write_result -> events
//   events:    engine / faults / commands -> store.add; the commit timer makes them durable
//   uplink:    forwards the store's unsent events and readings; `cmd` -> handle_command
//
// Start-up order: the buffer is opened (READY is sent after it), the buses start polling,
// the actuators' actual state is read, and only then may the engine drive them. SIGTERM and
// SIGINT stop cleanly; SIGHUP reloads into a scratch Setup that replaces the running one only
// when it is valid. Not thread-safe: everything runs on the loop.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "daemon/setup.h"
#include "drivers/modbus/bus_owner.h"
#include "rules/engine.h"
#include "store/store.h"
#include "uplink/uplink.h"

namespace farmgate::daemon {

class Gateway {
 public:
  // REQUIRES setup.ok().
  Gateway(boost::asio::io_context& io, std::string config_path, Setup setup);
  ~Gateway();

  // Opens the buffer (throws std::runtime_error when no buffer can be had), starts the buses,
  // the uplink, the timers and the signal handlers.
  void start();
  // Stops polling, commits the buffer, disconnects cleanly; the loop then runs out.
  void stop();
  // Loads the config again; an invalid one is reported (log + `config` event) and the
  // running one stays.
  void reload();

 private:
  void start_parts();      // buses, engine, actuator read-in, uplink (start and reload)
  void stop_parts();
  void read_actuator_states();
  void on_poll(const modbus::DevicePoll& poll);
  void tick();
  void execute(const rules::Write& w);
  void record(Event e);
  void commit();
  void handle_command(const uplink::Command& c, uplink::Uplink::Reply reply);
  uplink::StatusSnapshot status_snapshot() const;
  modbus::BusOwner* bus_for_point(const std::string& point_id);
  void arm(boost::asio::steady_timer& t, Duration every, void (Gateway::*what)());
  void on_watchdog();
  void wait_for_signal();

  boost::asio::io_context& io_;
  const std::string config_path_;
  Setup setup_;
  const std::int64_t started_ms_;
  std::unique_ptr<store::Store> store_;
  std::vector<std::unique_ptr<modbus::BusOwner>> buses_;
  std::unique_ptr<rules::Engine> engine_;
  std::unique_ptr<uplink::Uplink> uplink_;
  bool actuators_read_ = false;            // the engine may drive actuators
  std::map<std::string, uplink::DeviceHealth> health_;
  bool commit_failing_ = false;
  bool stopping_ = false;
  std::shared_ptr<int> generation_ = std::make_shared<int>(0);  // bumps on reload: stale callbacks drop out
  boost::asio::steady_timer commit_timer_, tick_timer_, watchdog_timer_;
  boost::asio::signal_set signals_;
};

}  // namespace farmgate::daemon
