#include "drivers/modbus/oneshot.h"

#include <algorithm>
#include <map>
#include <memory>

#include "drivers/modbus/link.h"

namespace farmgate::modbus {

std::vector<Reading> read_points(const config::Config& config,
                                 const std::vector<std::string>& point_ids) {
  std::vector<Reading> out(point_ids.size());
  // device name -> (point indices, slots in `out`)
  std::map<std::string, std::pair<std::vector<std::size_t>, std::vector<std::size_t>>> wanted;
  for (std::size_t k = 0; k < point_ids.size(); ++k) {
    const config::Device* dev = nullptr;
    const config::Point* p = config.find_point(point_ids[k], &dev);
    if (!p) {
      out[k].point = point_ids[k];
      out[k].error = "unknown point " + point_ids[k];
      out[k].ts_ms = wall_ms();
      continue;
    }
    auto& w = wanted[dev->name];
    w.first.push_back(static_cast<std::size_t>(p - dev->points.data()));
    w.second.push_back(k);
  }
  std::map<std::string, std::unique_ptr<Link>> links;
  for (auto& [name, w] : wanted) {
    const config::Device* dev = config.find_device(name);
    const config::Bus* bus = config.find_bus(dev->bus);
    std::vector<Reading> readings;
    if (!bus) {
      for (std::size_t i : w.first) {
        Reading r;
        r.point = dev->points[i].id;
        r.error = "device " + name + " is on unknown bus " + dev->bus;
        r.ts_ms = wall_ms();
        readings.push_back(r);
      }
    } else {
      auto& link = links[bus->name];
      if (!link) link = std::make_unique<Link>(*bus);
      readings = read_points(*link, *dev, w.first, bus->retries + 1).readings;
    }
    for (std::size_t j = 0; j < w.second.size(); ++j) out[w.second[j]] = std::move(readings[j]);
  }
  return out;
}

WriteResult write_point(const config::Config& config, const std::string& point_id,
                        double value) {
  WriteResult out;
  const config::Device* dev = nullptr;
  const config::Point* p = config.find_point(point_id, &dev);
  const config::Bus* bus = p ? config.find_bus(dev->bus) : nullptr;
  if (!p) {
    out.error = "unknown point " + point_id;
  } else if (!p->writable) {
    out.error = point_id + " is not writable";
  } else if (!bus) {
    out.error = "device " + dev->name + " is on unknown bus " + dev->bus;
  } else {
    Link link(*bus);
    out = write_point(link, *dev, *p, value, bus->retries + 1);
  }
  return out;
}

ScanResult scan_bus(const config::Config& config, const std::string& bus_name, int first,
                    int last, const std::function<void(const ScanProbe&)>& progress) {
  ScanResult out;
  const config::Bus* bus = config.find_bus(bus_name);
  if (!bus) {
    out.error = "unknown bus " + bus_name;
    return out;
  }
  Link link(*bus);
  if (!link.open(&out.error)) return out;
  out.ok = true;
  for (int unit = std::max(1, first); unit <= std::min(255, last); ++unit) {
    const LinkResult r = link.read(unit, config::Table::holding, 0, 1);
    ScanProbe probe{unit, r.replied(), r.ok() ? "replied" : r.error, r.kind};
    if (probe.present) out.present.push_back(unit);
    if (progress) progress(probe);
  }
  return out;
}

}  // namespace farmgate::modbus
