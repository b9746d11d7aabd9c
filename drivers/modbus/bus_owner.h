// The one thread that talks to one bus (RS-485 is half-duplex: one transaction at a time).
//
// It polls each device on its own `poll` period (phase kept; a late poll is not repeated to
// catch up), tries each transaction 1 + bus.retries times, and backs a failing device off
// (backoff.h): while backing off a device gets a single attempt and its remaining
// transactions are skipped after a silence, so a dead unit costs at most one response timeout
// per backoff period and the other devices keep their rate. Writes and on-demand reads are
// queued ahead of scheduled polls: they wait at most for the device poll in progress.
//
// Results are handed to the daemon's io_context with boost::asio::post: every callback runs
// on the loop's thread, never on the bus thread. Callbacks are copied into the posted
// handlers, so they may outlive the BusOwner; a callback must not assume the owner exists.
// Thread-safety: the public methods may be called from any thread (normally the loop's).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "common/reading.h"
#include "config/config.h"
#include "drivers/modbus/backoff.h"
#include "drivers/modbus/transactions.h"

namespace farmgate::modbus {

// One poll of one device.
struct DevicePoll {
  std::string device;
  bool ok = false;
  std::string error;              // the first failure, when !ok
  std::vector<Reading> readings;  // one per point (device order); quality error + no value when
                                  // its read failed
  int consecutive_failures = 0;   // 0 after a success
};

class BusOwner {
 public:
  // `devices` are the devices on `bus` (their `bus` field is not checked).
  BusOwner(boost::asio::io_context& loop, config::Bus bus, std::vector<config::Device> devices,
           std::function<void(DevicePoll)> on_poll, Duration backoff_cap = kDefaultBackoffCap);
  ~BusOwner();  // stop() + join
  BusOwner(const BusOwner&) = delete;
  BusOwner& operator=(const BusOwner&) = delete;

  void start();  // starts the thread; every device is polled at once, then on its period
  // Stops after the transaction in progress; queued writes/reads complete with ok false /
  // error readings ("bus NAME stopped"). Idempotent.
  void stop();

  // Writes `point_id` ("DEVICE.POINT") and reads it back (transactions.h write_point).
  // Unknown or non-writable points fail without touching the bus.
  void write(const std::string& point_id, double value, std::function<void(WriteResult)> done);
  // Reads the points now; readings in the order of `point_ids` (an unknown id: quality error).
  void read(const std::vector<std::string>& point_ids,
            std::function<void(std::vector<Reading>)> done);

  const std::string& bus_name() const { return bus_.name; }

 private:
  struct DeviceState;
  struct Job {
    std::function<void()> run;     // on the bus thread
    std::function<void()> cancel;  // when stopped before it ran
  };

  void run();
  void poll(DeviceState& d);
  void enqueue(Job job);
  template <typename T>
  void deliver(std::function<void(T)> cb, T value);

  boost::asio::io_context& loop_;
  config::Bus bus_;
  std::function<void(DevicePoll)> on_poll_;
  std::vector<std::unique_ptr<DeviceState>> devices_;
  std::unique_ptr<Link> link_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace farmgate::modbus
