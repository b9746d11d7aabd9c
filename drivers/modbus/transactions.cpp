#include "drivers/modbus/transactions.h"

#include <map>
#include <sstream>

#include "drivers/modbus/codec.h"
#include "drivers/modbus/read_plan.h"

namespace farmgate::modbus {
namespace {

template <typename F>
LinkResult with_attempts(int attempts, F&& once) {
  LinkResult r;
  for (int i = 0; i < std::max(1, attempts); ++i) {
    r = once();
    // An exception is the device's considered answer; invalid requests never improve.
    if (r.ok() || r.kind == LinkError::exception || r.kind == LinkError::invalid) break;
  }
  return r;
}

std::string show(const std::vector<std::uint16_t>& v) {
  std::ostringstream s;
  for (std::size_t i = 0; i < v.size(); ++i) s << (i ? " " : "") << v[i];
  return s.str();
}

}  // namespace

PointsRead read_points(Link& link, const config::Device& device,
                       const std::vector<std::size_t>& points, int attempts) {
  PointsRead out;
  out.ok = true;
  // Indexed by device point, not a std::map: at 100 points per poll the map's node per point
  // and the copies out of it were a third of a poll's CPU (bench/bench_poll).
  std::vector<Reading> by_index(device.points.size());
  std::string silent;  // set once the device did not answer: skip the rest
  // One poll, one instant for all its readings, however many requests it takes: a platform
  // groups a device's poll by its ts (spec §8, ThingsBoard's {"ts":…,"values":{…}}).
  const std::int64_t ts = wall_ms();
  for (const ReadRequest& req : plan_reads(device, points)) {
    LinkResult r;
    if (silent.empty()) {
      r = with_attempts(attempts,
                        [&] { return link.read(device.unit, req.table, req.address, req.count); });
      if (r.replied()) out.answered = true;
      if (r.kind == LinkError::timeout || r.kind == LinkError::link) silent = r.error;
    } else {
      r.kind = LinkError::timeout;
      r.error = silent;
    }
    if (!r.ok() && out.ok) {
      out.ok = false;
      out.error = r.error;
    }
    for (std::size_t i : req.points) {
      const config::Point& p = device.points[i];
      Reading reading;
      if (!r.ok()) {
        reading = error_reading(p, r.error);
      } else {
        const std::size_t off = p.address - req.address;
        reading = config::is_bit_table(p.table) ? decode_bit(p, r.values[off] != 0)
                                                : decode_registers(p, &r.values[off]);
      }
      reading.ts_ms = ts;
      by_index[i] = std::move(reading);
    }
  }
  std::vector<int> uses(device.points.size());
  for (std::size_t i : points) ++uses[i];
  out.readings.reserve(points.size());
  for (std::size_t i : points) {
    if (--uses[i] == 0)
      out.readings.push_back(std::move(by_index[i]));
    else
      out.readings.push_back(by_index[i]);  // the same point asked for again
  }
  return out;
}

WriteResult write_point(Link& link, const config::Device& device, const config::Point& point,
                        double value, int attempts) {
  WriteResult out;
  const Encoded enc = encode(point, value);
  if (!enc.ok) {
    out.error = enc.error;
    return out;
  }
  const LinkResult w = with_attempts(
      attempts, [&] { return link.write(device.unit, point.table, point.address, enc.values); });
  if (!w.ok()) {
    out.error = point.id + ": write failed: " + w.error;
    return out;
  }
  const auto count = static_cast<std::uint16_t>(enc.values.size());
  const LinkResult r = with_attempts(
      attempts, [&] { return link.read(device.unit, point.table, point.address, count); });
  if (!r.ok()) {
    out.error = point.id + ": read-back failed: " + r.error;
    return out;
  }
  Reading rb = config::is_bit_table(point.table) ? decode_bit(point, r.values[0] != 0)
                                                 : decode_registers(point, r.values.data());
  rb.ts_ms = wall_ms();
  out.readback = rb;
  if (r.values != enc.values) {
    out.error = point.id + ": read-back differs from what was written (wrote " +
                show(enc.values) + ", read " + show(r.values) + ")";
    return out;
  }
  out.ok = true;
  return out;
}

}  // namespace farmgate::modbus
