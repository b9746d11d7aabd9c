#include "drivers/modbus/bus_scheduler.h"

#include <algorithm>

namespace farmgate::modbus {

BusScheduler::BusScheduler(std::size_t devices, Limits limits)
    : limits_(limits), devices_(devices) {}

void BusScheduler::set_due(std::size_t device, SteadyTime due) { devices_.at(device).due = due; }

void BusScheduler::set_backing_off(std::size_t device, bool backing_off,
                                   const std::string& last_error) {
  Device& d = devices_.at(device);
  d.backing_off = backing_off;
  d.last_error = backing_off ? last_error : std::string();
}

BusScheduler::Admission BusScheduler::add_write() {
  if (writes_.size() >= limits_.max_writes) return {Admit::busy, 0};
  writes_.push_back(next_ticket_);
  return {Admit::queued, next_ticket_++};
}

BusScheduler::Admission BusScheduler::add_read(const std::string& key,
                                               const std::vector<std::size_t>& devices) {
  // Joining comes first: it costs nothing, and the pending read answers with what it finds.
  for (const Read& r : reads_)
    if (r.key == key) return {Admit::joined, r.ticket};
  if (!devices.empty() && std::all_of(devices.begin(), devices.end(), [&](std::size_t d) {
        return devices_.at(d).backing_off;
      }))
    return {Admit::backed_off, 0};
  if (reads_.size() >= limits_.max_reads) return {Admit::busy, 0};
  reads_.push_back({next_ticket_, key});
  return {Admit::queued, next_ticket_++};
}

BusScheduler::Work BusScheduler::next(SteadyTime now) {
  Work w;
  if (!writes_.empty()) {
    w.kind = Work::Kind::write;
    w.ticket = writes_.front();
    writes_.pop_front();
    return w;
  }
  std::size_t first = devices_.size();
  for (std::size_t i = 0; i < devices_.size(); ++i)
    if (first == devices_.size() || devices_[i].due < devices_[first].due) first = i;
  const bool poll_due = first < devices_.size() && devices_[first].due <= now;
  if (poll_due) {
    w.kind = Work::Kind::poll;
    w.device = first;
    return w;
  }
  if (!reads_.empty()) {
    w.kind = Work::Kind::read;
    w.ticket = reads_.front().ticket;
    reads_.pop_front();
    return w;
  }
  w.kind = Work::Kind::wait;
  if (first < devices_.size()) w.until = devices_[first].due;
  return w;
}

std::vector<std::uint64_t> BusScheduler::drain() {
  std::vector<std::uint64_t> out(writes_.begin(), writes_.end());
  for (const Read& r : reads_) out.push_back(r.ticket);
  writes_.clear();
  reads_.clear();
  return out;
}

}  // namespace farmgate::modbus
