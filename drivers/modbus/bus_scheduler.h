// What a bus does next (spec §7 "Polls are never starved"): the queue policy of one bus,
// free of threads and I/O so that it can be tested on a virtual clock. BusOwner holds one,
// under its mutex, and asks it for the next piece of work.
//
// Policy, in this order:
//  1. Writes first (actuator writes are control): every queued write, oldest first.
//  2. A due poll (the earliest due) runs before further command work.
//  3. On-demand reads, oldest first, when no poll is due.
//  4. Otherwise wait until the next poll is due (or for new work).
// Command work is bounded: at most `max_reads` pending reads and `max_writes` pending writes
// per bus; past that a new one is refused (`busy`) and its caller answered at once. A read of
// the same points as a pending one joins it (one bus transaction answers both), so a flood
// of reads of one point costs the bus at most one read at a time. A read of points whose
// devices are all backing off is answered at once with their last error (`backed_off`): a
// dead unit costs the bus nothing beyond its own backoff polls.
//
// A starved read is possible only when polls alone keep the bus busy (then there is no room
// for more work anyway); the bound keeps memory and callers' waits finite.
// Not thread-safe: the owner serialises calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"

namespace farmgate::modbus {

class BusScheduler {
 public:
  struct Limits {
    std::size_t max_reads = 32;
    std::size_t max_writes = 64;
  };
  explicit BusScheduler(std::size_t devices, Limits limits);
  explicit BusScheduler(std::size_t devices) : BusScheduler(devices, Limits{}) {}

  // Poll schedule. A device that is never due (no points): SteadyTime::max().
  void set_due(std::size_t device, SteadyTime due);
  SteadyTime due(std::size_t device) const { return devices_.at(device).due; }
  // A device's health after its latest poll: backing off (and the error that caused it).
  void set_backing_off(std::size_t device, bool backing_off, const std::string& last_error);
  bool backing_off(std::size_t device) const { return devices_.at(device).backing_off; }
  const std::string& last_error(std::size_t device) const { return devices_.at(device).last_error; }

  enum class Admit {
    queued,      // new work: the caller keeps its job under the returned ticket
    joined,      // a read of the same points is pending: the caller waits on its ticket
    busy,        // the bound is reached: answer the caller at once
    backed_off,  // every device concerned is backing off: answer with last_error() at once
  };
  struct Admission {
    Admit admit = Admit::busy;
    std::uint64_t ticket = 0;  // queued / joined: the job the caller waits on
  };
  Admission add_write();
  // `key` names the points read (equal keys join); `devices` are the devices they belong to
  // (empty: none of ours, so it runs at once to report that without touching the bus).
  Admission add_read(const std::string& key, const std::vector<std::size_t>& devices);

  struct Work {
    enum class Kind { write, read, poll, wait } kind = Kind::wait;
    std::uint64_t ticket = 0;     // write / read
    std::size_t device = 0;       // poll
    SteadyTime until = SteadyTime::max();  // wait: the next due poll (max: none)
  };
  // The next piece of work at `now`; write/read work leaves the queue when returned.
  Work next(SteadyTime now);

  // Drops every queued job; returns their tickets (to cancel them).
  std::vector<std::uint64_t> drain();
  std::size_t pending_reads() const { return reads_.size(); }
  std::size_t pending_writes() const { return writes_.size(); }

 private:
  struct Device {
    SteadyTime due = SteadyTime::max();
    bool backing_off = false;
    std::string last_error;
  };
  struct Read {
    std::uint64_t ticket;
    std::string key;
  };

  Limits limits_;
  std::vector<Device> devices_;
  std::deque<std::uint64_t> writes_;
  std::deque<Read> reads_;
  std::uint64_t next_ticket_ = 1;
};

}  // namespace farmgate::modbus
