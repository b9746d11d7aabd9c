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
// SIGINT stop cleanly; SIGHUP reloads into a scratch Setup, read and parsed on a worker thread
// (daemon/reload_loader.h) so the loop keeps polling meanwhile, that replaces the running one
// only when it is valid. Not thread-safe: everything runs on the loop.
//
// An accepted reload keeps what the new config did not change: the engine is rebuilt from the
// new config and rules and takes over the old one's state (rules/engine_state.h: holds,
// actuator states and their min_on/min_off/max_on timers, raised alarms, rule state, point
// history), so only actuators whose state is not known are read from the hardware; a bus
// whose settings and devices are unchanged keeps its BusOwner (others are stopped and
// started anew); the Uplink stays connected when its settings (url, client_id, username,
// password_file and its content, ca/cert/key files and their content, topic_prefix,
// max_batch, publish/status intervals, allow_insecure) and gateway.id are unchanged, and is
// rebuilt (offline, then online) otherwise. The buffer is never reopened. What changes
// what is decided by daemon/reload_plan.h from the config model.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/file_lock.h"
#include "daemon/health_status.h"
#include "daemon/reload_loader.h"
#include "daemon/setup.h"
#include "drivers/modbus/bus_owner.h"
#include "http/live_view.h"
#include "http/site.h"
#include "http/status_json.h"
#include "rules/engine.h"
#include "store/store.h"
#include "uplink/uplink.h"

namespace farmgate::daemon {

class Gateway {
 public:
  // REQUIRES setup.ok().
  Gateway(boost::asio::io_context& io, std::string config_path, Setup setup);
  ~Gateway();

  // Claims the buffer and the serial ports (ownership.h; throws std::runtime_error naming
  // the holder when another process has one), opens the buffer (throws std::runtime_error
  // when no buffer can be had), starts the buses,
  // the uplink, the timers and the signal handlers.
  void start();
  // Stops polling, commits the buffer, disconnects cleanly; the loop then runs out. What
  // could not be committed (a full disk) is logged with its count, and lost() tells.
  void stop();
  // After stop(): true when readings or events could not be committed (spec §7: the stop
  // then exits non-zero).
  bool lost() const { return lost_readings_ + lost_events_ > 0; }
  // Loads the config again; an invalid one is reported (log + `config` event) and the
  // running one stays.
  void reload();

 private:
  // Engine (taking over `previous`'s state when given), buses not running yet, actuator
  // read-in, uplink (a kept one gets the new config). At start and on reload.
  void start_parts(const rules::Engine* previous = nullptr);
  void stop_parts();
  void apply_reload(LoadedSetup loaded);  // on the loop, once ReloadLoader has read the files
  void read_actuator_states();
  void on_poll(const modbus::DevicePoll& poll);
  void tick();
  void execute(const rules::Write& w);
  void record(Event e);
  void commit();
  void handle_command(const uplink::Command& c, uplink::Uplink::Reply reply);
  uplink::StatusSnapshot status_snapshot() const;
  nlohmann::json page_status() const;  // the on-site page's and `farmgate status`'s JSON
  modbus::BusOwner* bus_for_point(const std::string& point_id);
  void arm(boost::asio::steady_timer& t, Duration every, void (Gateway::*what)());
  void on_watchdog();
  // STATUS= for systemd: status_prefix_ + the health line (daemon/health_status.h), sent when
  // it changed; on every device that turns ok/failing and every kStatusEvery.
  std::string health_text();
  void update_status();
  void wait_for_signal();

  boost::asio::io_context& io_;
  const std::string config_path_;
  Setup setup_;
  const std::int64_t started_ms_;
  LockFile buffer_lock_;                   // ownership.h: one gateway per buffer
  std::unique_ptr<store::Store> store_;
  struct BusSlot {
    std::unique_ptr<modbus::BusOwner> owner;
    std::shared_ptr<bool> live;            // false once dropped: its queued polls drop out
    config::Bus bus;                       // as started, to compare on reload
    std::vector<config::Device> devices;
  };
  std::vector<BusSlot> buses_;
  std::unique_ptr<rules::Engine> engine_;
  std::unique_ptr<uplink::Uplink> uplink_;
  std::string uplink_key_;                 // uplink_files_digest() of the running config
  bool actuators_read_ = false;            // the engine may drive actuators
  std::map<std::string, uplink::DeviceHealth> health_;
  http::LiveView live_;                    // latest readings and raised alarms, for the page
  std::unique_ptr<http::Site> site_;       // the on-site page and the status socket
  bool commit_failing_ = false;
  std::size_t lost_readings_ = 0, lost_events_ = 0;  // uncommitted at stop()
  DeviceStates device_states_;
  std::string status_prefix_;              // "last reload rejected (...); " until one is accepted
  std::string last_status_;
  bool stopping_ = false;
  std::shared_ptr<int> generation_ = std::make_shared<int>(0);  // bumps on reload: stale actuator read-ins drop out
  boost::asio::steady_timer commit_timer_, tick_timer_, watchdog_timer_, status_timer_;
  boost::asio::signal_set signals_;
  ReloadLoader reloader_;                  // last: joins its worker before the rest goes
};

}  // namespace farmgate::daemon
