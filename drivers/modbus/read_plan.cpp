#include "drivers/modbus/read_plan.h"

#include <algorithm>
#include <numeric>

namespace farmgate::modbus {
namespace {

using config::Table;

int span(const config::Point& p) {
  return config::is_bit_table(p.table) ? 1 : config::register_count(p.type);
}

int cap_for(const config::Device& d, Table t) {
  if (config::is_bit_table(t)) return kMaxReadBits;
  return std::max(1, std::min(kMaxReadRegisters, d.max_registers));
}

}  // namespace

std::vector<ReadRequest> plan_reads(const config::Device& device,
                                    const std::vector<std::size_t>& points) {
  std::vector<ReadRequest> out;
  for (Table table : {Table::holding, Table::input, Table::coil, Table::discrete}) {
    std::vector<std::size_t> idx;
    for (std::size_t i : points)
      if (device.points[i].table == table) idx.push_back(i);
    std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
      return device.points[a].address < device.points[b].address;
    });
    const long cap = cap_for(device, table);
    const long gap = std::max(0, device.max_gap);
    ReadRequest cur;
    long start = 0, end = 0;  // [start, end) of `cur`, in registers or bits
    for (std::size_t i : idx) {
      const auto& p = device.points[i];
      const long s = p.address, e = s + span(p);
      const bool joins = !cur.points.empty() && s <= end + gap && std::max(end, e) - start <= cap;
      if (!joins) {
        if (!cur.points.empty()) out.push_back(cur);
        cur = ReadRequest{table, p.address, 0, {}};
        start = s;
        end = e;
      }
      end = std::max(end, e);
      cur.count = static_cast<std::uint16_t>(end - start);
      cur.points.push_back(i);
    }
    if (!cur.points.empty()) out.push_back(cur);
  }
  return out;
}

std::vector<ReadRequest> plan_reads(const config::Device& device) {
  std::vector<std::size_t> all(device.points.size());
  std::iota(all.begin(), all.end(), std::size_t{0});
  return plan_reads(device, all);
}

}  // namespace farmgate::modbus
