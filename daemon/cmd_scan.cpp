// `farmgate scan -c FILE --bus NAME [--units 1-247]`: which unit ids answer on a bus.
#include <iostream>
#include <set>

#include "daemon/commands.h"
#include "daemon/setup.h"
#include "drivers/modbus/oneshot.h"

namespace farmgate::daemon {
namespace {

// "1-247", "5", "1,2,10-20" -> ascending unit ids; false on anything else.
bool parse_units(const std::string& text, std::set<int>& units) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    std::string part = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    size_t dash = part.find('-');
    try {
      size_t used = 0;
      int first = std::stoi(part, &used);
      int last = first;
      if (dash != std::string::npos) {
        if (used != dash) return false;
        std::string rest = part.substr(dash + 1);
        last = std::stoi(rest, &used);
        if (used != rest.size()) return false;
      } else if (used != part.size()) {
        return false;
      }
      if (first < 1 || last > 255 || first > last) return false;
      for (int u = first; u <= last; ++u) units.insert(u);
    } catch (const std::exception&) {
      return false;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return !units.empty();
}

}  // namespace

int cmd_scan(const std::string& config_path, const std::string& bus, const std::string& units) {
  std::set<int> ids;
  if (!parse_units(units, ids)) {
    std::cerr << "error: --units '" << units << "': expected ranges of 1-255 such as 1-247 or 1,2,10-20\n";
    return kUsageError;
  }
  auto config = load_config_or_report(config_path);
  if (!config) return kUsageError;
  const config::Bus* b = config->find_bus(bus);
  if (!b) {
    std::cerr << "error: no bus named '" << bus << "' in " << config_path << "\n";
    return kUsageError;
  }
  std::cerr << "scanning " << bus << " for " << ids.size() << " unit ids (up to "
            << b->timeout.count() << " ms each)\n";

  std::vector<int> present;
  // Contiguous runs go to the driver as ranges; each probe costs at most one timeout.
  auto it = ids.begin();
  while (it != ids.end()) {
    int first = *it, last = *it;
    while (++it != ids.end() && *it == last + 1) last = *it;
    modbus::ScanResult r = modbus::scan_bus(*config, bus, first, last, [](const modbus::ScanProbe& p) {
      if (p.present || p.detail.find("CRC") != std::string::npos)
        std::cout << "unit " << p.unit << ": " << p.detail << "\n" << std::flush;
    });
    if (!r.ok) {
      std::cerr << "error: " << r.error << "\n";
      return kRuntimeFailure;
    }
    present.insert(present.end(), r.present.begin(), r.present.end());
  }
  std::cout << present.size() << " unit(s) answered on " << bus;
  for (size_t i = 0; i < present.size(); ++i) std::cout << (i ? ", " : ": ") << present[i];
  std::cout << "\n";
  return kOk;
}

}  // namespace farmgate::daemon
