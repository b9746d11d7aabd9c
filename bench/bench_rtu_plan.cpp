// Figure 2, the RTU bus plan: six devices from the shipped profiles on one 9600 8N1 line.
//  - transactions per poll cycle: farmgate's plan (read_plan.h) against the minimum, computed
//    here independently: per device and table, points merged into contiguous (gap 0) runs, a
//    run cut only where it would pass the read cap (min(125, max_registers) registers, 2000
//    bits). A device whose profile allows max_gap > 0 may legitimately beat that minimum.
//  - bus time per cycle: farmgate's (bus_timing.h, with the bus gap as configured, which the
//    loader rounds up to whole ms) against the physical floor: every frame's characters at
//    10 bits / 9600 baud plus exactly 3.5 characters of silence after request and reply.
#include <algorithm>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <utility>

#include "bench/report.h"
#include "config/loader.h"
#include "drivers/modbus/bus_timing.h"
#include "drivers/modbus/link.h"
#include "drivers/modbus/read_plan.h"
#include "tests/support/temp_dir.h"

using namespace farmgate;

namespace {

struct Run {
  int table;
  int count;  // registers or bits
};

// Minimum reads of one device: contiguous runs within the caps.
std::vector<Run> minimum_reads(const config::Device& d) {
  std::map<int, std::vector<std::pair<int, int>>> spans;  // table -> [start, end)
  for (const auto& p : d.points) {
    const bool bits = p.table == config::Table::coil || p.table == config::Table::discrete;
    const int len = bits ? 1 : config::register_count(p.type);
    spans[static_cast<int>(p.table)].push_back({p.address, p.address + len});
  }
  std::vector<Run> runs;
  for (auto& [table, v] : spans) {
    const bool bits = table == static_cast<int>(config::Table::coil) ||
                      table == static_cast<int>(config::Table::discrete);
    const int cap = bits ? 2000 : std::min(125, d.max_registers);
    std::sort(v.begin(), v.end());
    int start = v[0].first, end = v[0].second;
    for (std::size_t i = 1; i < v.size(); ++i) {
      const int new_end = std::max(end, v[i].second);
      if (v[i].first <= end && new_end - start <= cap) {
        end = new_end;
      } else {
        runs.push_back({table, end - start});
        start = v[i].first;
        end = v[i].second;
      }
    }
    runs.push_back({table, end - start});
  }
  return runs;
}

}  // namespace

int main() {
  test::TempDir dir("farmgate-bench");
  const std::string yaml =
      "gateway: { id: bench }\n"
      "storage: { path: " + dir.file("buffer.db") + " }\n"
      "rules: []\n"
      "buses:\n  - name: rs485\n    rtu: { device: /dev/ttyBENCH0, baud: 9600 }\n"
      "devices:\n"
      "  - { name: npk, bus: rs485, unit: 1, profile: jxct-jxbs-3001 }\n"
      "  - { name: soil1, bus: rs485, unit: 2, profile: seeed-sensecap-s-temp-vwc-ec-02 }\n"
      "  - { name: soil2, bus: rs485, unit: 3, profile: seeed-sensecap-s-temp-vwc-ec-02 }\n"
      "  - { name: do1, bus: rs485, unit: 4, profile: supmea-sup-do7013 }\n"
      "  - { name: relay, bus: rs485, unit: 5, profile: waveshare-relay-8ch }\n"
      "  - { name: air, bus: rs485, unit: 6, profile: xy-md02 }\n";
  auto loaded = config::load(dir.write("farmgate.yaml", yaml));
  if (!loaded.config) {
    for (const auto& d : loaded.diagnostics.all()) std::fprintf(stderr, "%s\n", d.message.c_str());
    return 1;
  }
  const config::Config& cfg = *loaded.config;
  const config::Bus& bus = cfg.buses.at(0);

  const double char_us = 1e6 * 10 / 9600;  // 8N1: start + 8 + stop
  const double silence_us = 3.5 * char_us;
  int fg_tx = 0, min_tx = 0;
  double fg_us = 0, min_us = 0;
  for (const auto& d : cfg.devices) {
    const auto plan = modbus::plan_reads(d);
    fg_tx += static_cast<int>(plan.size());
    fg_us += static_cast<double>(modbus::poll_time(bus, d).count());
    for (const auto& r : minimum_reads(d)) {
      ++min_tx;
      const bool bits = r.table == static_cast<int>(config::Table::coil) ||
                        r.table == static_cast<int>(config::Table::discrete);
      const int data = bits ? (r.count + 7) / 8 : 2 * r.count;
      min_us += (8 + 5 + data) * char_us + 2 * silence_us;
    }
    std::fprintf(stderr, "rtu_plan: %-6s %zu points, %zu reads\n", d.name.c_str(),
                 d.points.size(), plan.size());
  }
  modbus::Link link(bus);  // not opened: only asks which silence it would keep
  std::fprintf(stderr, "rtu_plan: configured gap %lld ms, link keeps %lld us, t3.5 = %.0f us\n",
               static_cast<long long>(bus.gap.count()),
               static_cast<long long>(link.gap().count()), silence_us);
  bench::report("rtu_transactions_per_cycle", fg_tx, "transactions", min_tx);
  bench::report("rtu_bus_time_per_cycle", fg_us / 1000, "ms", min_us / 1000);
  return 0;
}
