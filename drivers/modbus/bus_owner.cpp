#include "drivers/modbus/bus_owner.h"

#include <algorithm>
#include <numeric>

#include "common/log.h"
#include "drivers/modbus/codec.h"

namespace farmgate::modbus {

struct BusOwner::DeviceState {
  DeviceState(config::Device d, Duration cap)
      : device(std::move(d)), backoff(device.poll, cap), all(device.points.size()) {
    std::iota(all.begin(), all.end(), std::size_t{0});
  }
  config::Device device;
  Backoff backoff;
  std::vector<std::size_t> all;  // every point index: what a poll reads
  SteadyTime next_due{};
  std::string last_error;  // of the latest poll ("" after a success); bus thread only
};

namespace {

std::string read_key(const std::vector<std::string>& point_ids) {
  std::string key;
  for (const auto& id : point_ids) key += id + '\n';
  return key;
}

}  // namespace

BusOwner::BusOwner(boost::asio::io_context& loop, config::Bus bus,
                   std::vector<config::Device> devices, std::function<void(DevicePoll)> on_poll,
                   Duration backoff_cap)
    : outbox_(loop), bus_(std::move(bus)), on_poll_(std::move(on_poll)), scheduler_(devices.size()) {
  for (auto& d : devices) devices_.push_back(std::make_unique<DeviceState>(std::move(d), backoff_cap));
  link_ = std::make_unique<Link>(bus_);
}

BusOwner::~BusOwner() { stop(); }

void BusOwner::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  const SteadyTime now = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < devices_.size(); ++i) {
    devices_[i]->next_due = now;
    scheduler_.set_due(i, devices_[i]->all.empty() ? SteadyTime::max() : now);
  }
  thread_ = std::thread([this] { run(); });
}

void BusOwner::stop() {
  std::map<std::uint64_t, PendingWrite> writes;
  std::map<std::uint64_t, PendingRead> reads;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    scheduler_.drain();
    writes.swap(writes_);
    reads.swap(reads_);
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  const std::string stopped = "bus " + bus_.name + " stopped";
  for (auto& [ticket, w] : writes) deliver(w.done, WriteResult{false, stopped, std::nullopt});
  for (auto& [ticket, r] : reads)
    answer_read(r, [&](const std::string&) {
      Reading out;
      out.error = stopped;
      return out;
    });
}

template <typename T>
void BusOwner::deliver(std::function<void(T)> cb, T value) {
  if (!cb) return;
  outbox_.post([cb = std::move(cb), v = std::move(value)]() mutable { cb(std::move(v)); });
}

template <typename T>
void BusOwner::deliver_soon(std::function<void(T)> cb, T value) {
  if (!cb) return;
  outbox_.post_soon([cb = std::move(cb), v = std::move(value)]() mutable { cb(std::move(v)); });
}

void BusOwner::answer_read(const PendingRead& r,
                           const std::function<Reading(const std::string&)>& each) {
  std::vector<Reading> out;
  for (const auto& id : r.point_ids) {
    Reading x = each(id);
    x.point = id;
    if (!x.ts_ms) x.ts_ms = wall_ms();
    out.push_back(std::move(x));
  }
  for (const auto& waiter : r.waiters) deliver(waiter, out);
}

std::vector<std::size_t> BusOwner::devices_of(const std::vector<std::string>& point_ids) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < devices_.size(); ++i)
    for (const auto& p : devices_[i]->device.points)
      if (std::count(point_ids.begin(), point_ids.end(), p.id) &&
          !std::count(out.begin(), out.end(), i))
        out.push_back(i);
  return out;
}

void BusOwner::write(const std::string& point_id, double value,
                     std::function<void(WriteResult)> done) {
  std::string refused;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      refused = "bus " + bus_.name + " stopped";
    } else {
      auto a = scheduler_.add_write();
      if (a.admit == BusScheduler::Admit::queued)
        writes_[a.ticket] = PendingWrite{point_id, value, done};
      else
        refused = "bus " + bus_.name + " busy: " + std::to_string(scheduler_.pending_writes()) +
                  " writes pending";
    }
  }
  if (!refused.empty()) {
    log::warning("bus ", bus_.name, ": write ", point_id, ": ", refused);
    return deliver(done, WriteResult{false, refused, std::nullopt});
  }
  wake_.notify_all();
}

void BusOwner::read(const std::vector<std::string>& point_ids,
                    std::function<void(std::vector<Reading>)> done) {
  const std::vector<std::size_t> devices = devices_of(point_ids);
  PendingRead now_answer{point_ids, {done}};
  std::string refused;
  std::vector<std::string> backed_off(devices_.size());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      refused = "bus " + bus_.name + " stopped";
    } else {
      auto a = scheduler_.add_read(read_key(point_ids), devices);
      switch (a.admit) {
        case BusScheduler::Admit::queued:
          reads_[a.ticket] = PendingRead{point_ids, {done}};
          break;
        case BusScheduler::Admit::joined:
          reads_.at(a.ticket).waiters.push_back(done);
          break;
        case BusScheduler::Admit::busy:
          refused = "bus " + bus_.name + " busy: " + std::to_string(scheduler_.pending_reads()) +
                    " reads pending";
          break;
        case BusScheduler::Admit::backed_off:
          for (std::size_t i : devices)
            backed_off[i] = devices_[i]->device.name + " is not answering (backing off): " +
                            scheduler_.last_error(i);
          break;
      }
      if (a.admit == BusScheduler::Admit::queued || a.admit == BusScheduler::Admit::joined) {
        wake_.notify_all();
        return;
      }
    }
  }
  if (!refused.empty())
    return answer_read(now_answer, [&](const std::string&) {
      Reading out;
      out.error = refused;
      return out;
    });
  run_read(now_answer, backed_off);  // every device backing off: no transaction is made
}

void BusOwner::run_write(const PendingWrite& w) {
  WriteResult result;
  const DeviceState* dev = nullptr;
  const config::Point* point = nullptr;
  for (const auto& d : devices_)
    for (const auto& p : d->device.points)
      if (p.id == w.point_id) dev = d.get(), point = &p;
  if (!point)
    result.error = w.point_id + " is not a point on bus " + bus_.name;
  else if (!point->writable)
    result.error = w.point_id + " is not writable";
  else
    result = write_point(*link_, dev->device, *point, w.value, bus_.retries + 1);
  if (!result.ok) log::warning("bus ", bus_.name, ": write ", w.point_id, ": ", result.error);
  deliver(w.done, std::move(result));
}

// Runs on the bus thread, or on the caller's when every device concerned is backing off (then
// it makes no transaction and touches no bus state).
void BusOwner::run_read(const PendingRead& r, const std::vector<std::string>& backed_off) {
  std::vector<Reading> out(r.point_ids.size());
  for (std::size_t k = 0; k < r.point_ids.size(); ++k) {
    out[k].point = r.point_ids[k];
    out[k].error = "not a point on bus " + bus_.name;
    out[k].ts_ms = wall_ms();
  }
  for (std::size_t i = 0; i < devices_.size(); ++i) {
    const DeviceState& d = *devices_[i];
    std::vector<std::size_t> wanted, slots;  // point indices, and where each reading goes
    for (std::size_t k = 0; k < r.point_ids.size(); ++k)
      for (std::size_t j = 0; j < d.device.points.size(); ++j)
        if (d.device.points[j].id == r.point_ids[k]) wanted.push_back(j), slots.push_back(k);
    if (wanted.empty()) continue;
    if (!backed_off[i].empty()) {
      for (std::size_t j = 0; j < slots.size(); ++j) {
        out[slots[j]].error = backed_off[i];
        out[slots[j]].boolean = d.device.points[wanted[j]].type == config::ValueType::boolean;
      }
      continue;
    }
    PointsRead pr = read_points(*link_, d.device, wanted, bus_.retries + 1);
    for (std::size_t j = 0; j < slots.size(); ++j) out[slots[j]] = std::move(pr.readings[j]);
  }
  for (const auto& waiter : r.waiters) deliver(waiter, out);
}

SteadyTime BusOwner::poll(DeviceState& d) {
  const int attempts = d.backoff.backing_off() ? 1 : bus_.retries + 1;
  PointsRead r = read_points(*link_, d.device, d.all, attempts);
  const SteadyTime now = std::chrono::steady_clock::now();
  if (r.ok) {
    if (d.backoff.backing_off())
      log::info("device ", d.device.name, " answers again after ", d.backoff.failures(),
                " failed polls");
    d.backoff.success();
    d.last_error.clear();
    d.next_due = std::max(d.next_due + d.device.poll, now);
  } else {
    d.next_due = d.backoff.failure(now);
    d.last_error = r.error;
    // The first failure is logged once, by the daemon, as the device's fault event.
    log::debug("device ", d.device.name, ": ", r.error, " (", d.backoff.failures(),
               " failed polls, next in ", d.backoff.delay().count(), " ms)");
  }
  DevicePoll p{d.device.name, r.ok, r.error, std::move(r.readings), d.backoff.failures()};
  deliver_soon(on_poll_, std::move(p));
  return d.next_due;
}

void BusOwner::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    const BusScheduler::Work w = scheduler_.next(std::chrono::steady_clock::now());
    switch (w.kind) {
      case BusScheduler::Work::Kind::write: {
        auto node = writes_.extract(w.ticket);
        lock.unlock();
        if (node) run_write(node.mapped());
        lock.lock();
        break;
      }
      case BusScheduler::Work::Kind::read: {
        auto node = reads_.extract(w.ticket);
        // Backoff as of now: a device that went dead since the read was queued costs nothing.
        std::vector<std::string> backed_off(devices_.size());
        for (std::size_t i = 0; i < devices_.size(); ++i)
          if (scheduler_.backing_off(i))
            backed_off[i] = devices_[i]->device.name + " is not answering (backing off): " +
                            scheduler_.last_error(i);
        lock.unlock();
        if (node) run_read(node.mapped(), backed_off);
        lock.lock();
        break;
      }
      case BusScheduler::Work::Kind::poll: {
        DeviceState& d = *devices_[w.device];
        lock.unlock();
        const SteadyTime due = poll(d);
        const bool backing_off = d.backoff.backing_off();
        lock.lock();
        scheduler_.set_due(w.device, due);
        scheduler_.set_backing_off(w.device, backing_off, d.last_error);
        break;
      }
      case BusScheduler::Work::Kind::wait:
        outbox_.flush();  // the results of a busy spell go before the bus rests
        if (w.until == SteadyTime::max()) wake_.wait(lock);
        else wake_.wait_until(lock, w.until);
        break;
    }
  }
  lock.unlock();
  outbox_.flush();
  link_->close();
}

}  // namespace farmgate::modbus
