// `farmgate scan -c FILE --bus NAME [--units 1-247]`: which unit ids answer on a bus.
#include <iostream>
#include <set>

#include "config/suggest.h"
#include "config/units.h"
#include "daemon/commands.h"
#include "daemon/ownership.h"
#include "daemon/setup.h"
#include "drivers/modbus/oneshot.h"

namespace farmgate::daemon {
namespace {

// A unit id of 1-255 written as plain digits; -1 otherwise.
int parse_unit(const std::string& text) {
  if (text.empty() || text.size() > 3) return -1;
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v >= 1 && v <= 255 ? v : -1;
}

// "1-247", "5", "1,2,10-20" -> the unit ids (duplicates and overlaps merge); false on
// anything else, including empty items and spaces.
bool parse_units(const std::string& text, std::set<int>& units) {
  size_t start = 0;
  for (;;) {
    const size_t end = text.find(',', start);
    const std::string part = text.substr(start, end == std::string::npos ? end : end - start);
    const size_t dash = part.find('-');
    const int first = parse_unit(part.substr(0, dash));
    const int last = dash == std::string::npos ? first : parse_unit(part.substr(dash + 1));
    if (first < 0 || last < first) return false;
    for (int u = first; u <= last; ++u) units.insert(u);
    if (end == std::string::npos) return true;
    start = end + 1;
  }
}

std::string bus_names(const config::Config& config) {
  std::string out;
  for (const auto& b : config.buses) out += (out.empty() ? "" : ", ") + b.name;
  return out.empty() ? "(none)" : out;
}

}  // namespace

int cmd_scan(const std::string& config_path, const std::string& bus, const std::string& units) {
  std::set<int> ids;
  if (!parse_units(units, ids)) {
    std::cerr << "error: --units '" << units
              << "': expected unit ids 1-255 as ranges and lists, e.g. 1-247 or 1,2,10-20\n";
    return kUsageError;
  }
  auto config = load_config_or_report(config_path);
  if (!config) return kUsageError;
  const config::Bus* b = config->find_bus(bus);
  if (!b) {
    std::vector<std::string> names;
    for (const auto& x : config->buses) names.push_back(x.name);
    std::cerr << "error: no bus named '" << bus << "' in " << config_path
              << config::did_you_mean(bus, names) << "; buses: " << bus_names(*config) << "\n";
    return kUsageError;
  }
  // A running gateway owns the port: probes of a second master would collide with its polls.
  if (auto busy = busy_port(*config, {bus})) {
    std::cerr << "error: " << *busy << "\n";
    return kRuntimeFailure;
  }
  std::cerr << "scanning " << bus << " for " << ids.size() << " unit id"
            << (ids.size() == 1 ? "" : "s") << " (up to " << config::format_duration(b->timeout)
            << " each)\n";

  std::vector<int> present;
  // Contiguous runs go to the driver as ranges; each probe costs at most one timeout.
  auto it = ids.begin();
  while (it != ids.end()) {
    int first = *it, last = *it;
    while (++it != ids.end() && *it == last + 1) last = *it;
    modbus::ScanResult r =
        modbus::scan_bus(*config, bus, first, last, [](const modbus::ScanProbe& p) {
          // A garbled reply (bad CRC) is not an answer, yet a technician wants to see it.
          if (p.present || p.detail.find("CRC") != std::string::npos)
            std::cout << "unit " << p.unit << ": " << p.detail << "\n" << std::flush;
        });
    if (!r.ok) {
      std::cerr << "error: " << r.error << "\n";
      return kRuntimeFailure;
    }
    present.insert(present.end(), r.present.begin(), r.present.end());
  }
  if (present.empty()) {
    std::cout << "no unit answered on " << bus << "\n";
    return kOk;
  }
  std::cout << present.size() << (present.size() == 1 ? " unit" : " units") << " answered on "
            << bus;
  for (size_t i = 0; i < present.size(); ++i) std::cout << (i ? ", " : ": ") << present[i];
  std::cout << "\n";
  return kOk;
}

}  // namespace farmgate::daemon
