#include "drivers/modbus/bus_owner.h"

#include <algorithm>
#include <numeric>

#include <boost/asio/post.hpp>

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
};

BusOwner::BusOwner(boost::asio::io_context& loop, config::Bus bus,
                   std::vector<config::Device> devices, std::function<void(DevicePoll)> on_poll,
                   Duration backoff_cap)
    : loop_(loop), bus_(std::move(bus)), on_poll_(std::move(on_poll)) {
  for (auto& d : devices) devices_.push_back(std::make_unique<DeviceState>(std::move(d), backoff_cap));
  link_ = std::make_unique<Link>(bus_);
}

BusOwner::~BusOwner() { stop(); }

void BusOwner::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  const SteadyTime now = std::chrono::steady_clock::now();
  for (auto& d : devices_) d->next_due = now;
  thread_ = std::thread([this] { run(); });
}

void BusOwner::stop() {
  std::deque<Job> left;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    left.swap(jobs_);
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& job : left) job.cancel();
}

template <typename T>
void BusOwner::deliver(std::function<void(T)> cb, T value) {
  if (!cb) return;
  boost::asio::post(loop_, [cb = std::move(cb), v = std::move(value)]() mutable {
    cb(std::move(v));
  });
}

void BusOwner::enqueue(Job job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_) {
      jobs_.push_back(std::move(job));
      job.cancel = nullptr;
    }
  }
  if (job.cancel) job.cancel();  // stopped already: fail at once
  wake_.notify_all();
}

void BusOwner::write(const std::string& point_id, double value,
                     std::function<void(WriteResult)> done) {
  const std::string stopped = "bus " + bus_.name + " stopped";
  Job job;
  job.run = [this, point_id, value, done] {
    WriteResult result;
    const DeviceState* dev = nullptr;
    const config::Point* point = nullptr;
    for (const auto& d : devices_)
      for (const auto& p : d->device.points)
        if (p.id == point_id) dev = d.get(), point = &p;
    if (!point)
      result.error = point_id + " is not a point on bus " + bus_.name;
    else if (!point->writable)
      result.error = point_id + " is not writable";
    else
      result = write_point(*link_, dev->device, *point, value, bus_.retries + 1);
    if (!result.ok) log::warning("bus ", bus_.name, ": write ", point_id, ": ", result.error);
    deliver(done, std::move(result));
  };
  job.cancel = [this, done, stopped] { deliver(done, WriteResult{false, stopped, std::nullopt}); };
  enqueue(std::move(job));
}

void BusOwner::read(const std::vector<std::string>& point_ids,
                    std::function<void(std::vector<Reading>)> done) {
  const std::string stopped = "bus " + bus_.name + " stopped";
  Job job;
  job.run = [this, point_ids, done] {
    std::vector<Reading> out(point_ids.size());
    for (std::size_t k = 0; k < point_ids.size(); ++k) {
      out[k].point = point_ids[k];
      out[k].error = "not a point on bus " + bus_.name;
      out[k].ts_ms = wall_ms();
    }
    for (const auto& d : devices_) {
      std::vector<std::size_t> wanted, slots;  // point indices, and where each reading goes
      for (std::size_t k = 0; k < point_ids.size(); ++k)
        for (std::size_t i = 0; i < d->device.points.size(); ++i)
          if (d->device.points[i].id == point_ids[k]) wanted.push_back(i), slots.push_back(k);
      if (wanted.empty()) continue;
      PointsRead r = read_points(*link_, d->device, wanted, bus_.retries + 1);
      for (std::size_t j = 0; j < slots.size(); ++j) out[slots[j]] = std::move(r.readings[j]);
    }
    deliver(done, std::move(out));
  };
  job.cancel = [this, point_ids, done, stopped] {
    std::vector<Reading> out(point_ids.size());
    for (std::size_t k = 0; k < point_ids.size(); ++k) {
      out[k].point = point_ids[k];
      out[k].error = stopped;
      out[k].ts_ms = wall_ms();
    }
    deliver(done, std::move(out));
  };
  enqueue(std::move(job));
}

void BusOwner::poll(DeviceState& d) {
  const int attempts = d.backoff.backing_off() ? 1 : bus_.retries + 1;
  PointsRead r = read_points(*link_, d.device, d.all, attempts);
  const SteadyTime now = std::chrono::steady_clock::now();
  if (r.ok) {
    if (d.backoff.backing_off())
      log::info("device ", d.device.name, " answers again after ", d.backoff.failures(),
                " failed polls");
    d.backoff.success();
    d.next_due = std::max(d.next_due + d.device.poll, now);
  } else {
    d.next_due = d.backoff.failure(now);
    if (d.backoff.failures() == 1)
      log::warning("device ", d.device.name, " on bus ", bus_.name, ": ", r.error);
    else
      log::debug("device ", d.device.name, ": ", r.error, " (", d.backoff.failures(),
                 " failed polls, next in ", d.backoff.delay().count(), " ms)");
  }
  DevicePoll p{d.device.name, r.ok, r.error, std::move(r.readings), d.backoff.failures()};
  deliver(on_poll_, std::move(p));
}

void BusOwner::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (!jobs_.empty()) {
      Job job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job.run();
      lock.lock();
      continue;
    }
    DeviceState* next = nullptr;
    for (auto& d : devices_)
      if (!d->all.empty() && (!next || d->next_due < next->next_due)) next = d.get();
    if (!next) {
      wake_.wait(lock);
      continue;
    }
    if (std::chrono::steady_clock::now() < next->next_due) {
      wake_.wait_until(lock, next->next_due);
      continue;
    }
    lock.unlock();
    poll(*next);
    lock.lock();
  }
  lock.unlock();
  link_->close();
}

}  // namespace farmgate::modbus
