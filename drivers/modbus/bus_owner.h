// The one thread that talks to one bus (RS-485 is half-duplex: one transaction at a time).
//
// It polls each device on its own `poll` period (phase kept; a late poll is not repeated to
// catch up), tries each transaction 1 + bus.retries times, and backs a failing device off
// (backoff.h): while backing off a device gets a single attempt and its remaining
// transactions are skipped after a silence, so a dead unit costs at most one response timeout
// per backoff period and the other devices keep their rate. What runs next is the
// BusScheduler's policy (bus_scheduler.h, spec §7): writes first, a due poll before further
// command work, on-demand reads when no poll is due; command work is bounded, reads of the
// same points join, and a read of a device in backoff is answered at once with its last
// error, so remote commands can never starve the poll schedule.
//
// Results are handed to the daemon's io_context through an outbox (outbox.h): every callback
// runs on the loop's thread, never on the bus thread, in the order the bus produced them. A
// command's answer goes at once; a poll's result within Outbox::kMaxDelay (2 ms), or at once
// when the bus then rests, so a saturated bus wakes the loop a few hundred times a second
// instead of once per poll. Callbacks may run after the BusOwner is gone; a callback must not
// assume the owner exists.
// Thread-safety: the public methods may be called from any thread (normally the loop's).
#pragma once

#include <condition_variable>
#include <map>
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
#include "drivers/modbus/bus_scheduler.h"
#include "drivers/modbus/outbox.h"
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
  // Unknown or non-writable points fail without touching the bus; so does a write past the
  // bound of pending writes ("bus NAME busy ...").
  void write(const std::string& point_id, double value, std::function<void(WriteResult)> done);
  // Reads the points soon; readings in the order of `point_ids` (an unknown id: quality
  // error). A read of the same points as a pending one shares its answer. Points of a device
  // in backoff read quality error with the device's last error, without a transaction; when
  // every device concerned is backing off, or the bound of pending reads is reached, the
  // answer comes at once.
  void read(const std::vector<std::string>& point_ids,
            std::function<void(std::vector<Reading>)> done);

  const std::string& bus_name() const { return bus_.name; }

 private:
  struct DeviceState;
  struct PendingWrite {
    std::string point_id;
    double value = 0;
    std::function<void(WriteResult)> done;
  };
  struct PendingRead {
    std::vector<std::string> point_ids;
    std::vector<std::function<void(std::vector<Reading>)>> waiters;  // joined reads share it
  };

  void run();
  // One poll; returns the device's next due time. Updates the scheduler's view of its health.
  SteadyTime poll(DeviceState& d);
  void run_write(const PendingWrite& w);
  // `backed_off[i]`: device i is backing off (its points answer with its last error).
  void run_read(const PendingRead& r, const std::vector<std::string>& backed_off);
  void answer_read(const PendingRead& r, const std::function<Reading(const std::string&)>& each);
  std::vector<std::size_t> devices_of(const std::vector<std::string>& point_ids) const;
  // To the loop now (any thread).
  template <typename T>
  void deliver(std::function<void(T)> cb, T value);
  // To the loop within Outbox::kMaxDelay, or when the bus rests (a poll's result).
  template <typename T>
  void deliver_soon(std::function<void(T)> cb, T value);

  Outbox outbox_;
  config::Bus bus_;
  std::function<void(DevicePoll)> on_poll_;
  std::vector<std::unique_ptr<DeviceState>> devices_;
  std::unique_ptr<Link> link_;

  std::mutex mutex_;  // guards scheduler_, writes_, reads_, stopping_
  std::condition_variable wake_;
  BusScheduler scheduler_;
  std::map<std::uint64_t, PendingWrite> writes_;  // by scheduler ticket
  std::map<std::uint64_t, PendingRead> reads_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace farmgate::modbus
