// `farmgate scan -c FILE --bus NAME [--units 1-247]`: which unit ids answer on a bus.
//
// stdout: one line per unit that answered or sent something unusable, then a summary (tests and
// docs/troubleshooting.md rely on it). stderr: what is scanned and, on a terminal, a progress
// line redrawn in place (a full scan of a silent RTU line takes minutes).
#include <unistd.h>

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

// The link's texts for a truncated or mismatched reply start "unit 5: ..."; scan lines start
// with the unit already.
std::string without_unit_prefix(const std::string& detail, int unit) {
  const std::string prefix = "unit " + std::to_string(unit) + ": ";
  return detail.compare(0, prefix.size(), prefix) == 0 ? detail.substr(prefix.size()) : detail;
}

// The progress line, only on a terminal: redrawn in place, erased before a result line is
// printed and at the end, so that a log or a pipe never sees it.
class ProgressLine {
 public:
  explicit ProgressLine(size_t total) : total_(total), shown_(isatty(STDERR_FILENO) == 1) {}
  ~ProgressLine() { erase(); }
  void show(size_t done, int unit) {
    if (!shown_) return;
    std::cerr << "\r\033[Kscanning unit " << unit << " (" << done << "/" << total_ << ")"
              << std::flush;
    drawn_ = true;
  }
  void erase() {
    if (drawn_) std::cerr << "\r\033[K" << std::flush;
    drawn_ = false;
  }

 private:
  size_t total_;
  bool shown_;
  bool drawn_ = false;
};

void print_units(const std::vector<int>& units) {
  for (size_t i = 0; i < units.size(); ++i) std::cout << (i ? ", " : ": ") << units[i];
  std::cout << "\n";
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

  std::vector<int> present, unusable;
  ProgressLine progress(ids.size());
  size_t probed = 0;
  // Contiguous runs go to the driver as ranges; each probe costs at most one timeout.
  auto it = ids.begin();
  while (it != ids.end()) {
    int first = *it, last = *it;
    while (++it != ids.end() && *it == last + 1) last = *it;
    progress.show(probed + 1, first);
    modbus::ScanResult r =
        modbus::scan_bus(*config, bus, first, last, [&](const modbus::ScanProbe& p) {
          ++probed;
          // A reply that is not an answer (another unit id, truncated, bad CRC) is not a
          // present unit, yet unlike silence it tells the technician something is wrong there.
          const bool garbled = p.kind == modbus::LinkError::protocol;
          if (p.present || garbled) {
            progress.erase();
            std::cout << "unit " << p.unit << ": " << without_unit_prefix(p.detail, p.unit)
                      << "\n" << std::flush;
          }
          if (garbled) unusable.push_back(p.unit);
          if (p.unit < last) progress.show(probed + 1, p.unit + 1);
        });
    if (!r.ok) {
      progress.erase();
      std::cerr << "error: " << r.error << "\n";
      return kRuntimeFailure;
    }
    present.insert(present.end(), r.present.begin(), r.present.end());
  }
  progress.erase();
  if (present.empty()) {
    std::cout << "no unit answered on " << bus << "\n";
  } else {
    std::cout << present.size() << (present.size() == 1 ? " unit" : " units") << " answered on "
              << bus;
    print_units(present);
  }
  if (!unusable.empty()) {
    std::cout << unusable.size() << (unusable.size() == 1 ? " unit id" : " unit ids")
              << " got an unusable reply";
    print_units(unusable);
  }
  return kOk;
}

}  // namespace farmgate::daemon
