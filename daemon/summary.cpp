#include "daemon/summary.h"

#include <cstdio>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "config/units.h"
#include "daemon/format.h"
#include "drivers/modbus/bus_timing.h"
#include "drivers/modbus/read_plan.h"

namespace farmgate::daemon {
namespace {

using config::format_duration;

std::string plural(size_t n, const char* word, const char* words) {
  return std::to_string(n) + " " + (n == 1 ? word : words);
}
std::string plural(size_t n, const char* word) {
  return plural(n, word, (std::string(word) + "s").c_str());
}

// Characters on a terminal, not bytes: "°C" is two wide, three bytes long.
size_t display_width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Rows of cells printed in aligned columns (two spaces apart), blank cells kept as padding,
// trailing blanks trimmed: what a technician scans down a terminal.
class Columns {
 public:
  void add(std::vector<std::string> cells) {
    if (cells.size() > widths_.size()) widths_.resize(cells.size(), 0);
    for (size_t i = 0; i < cells.size(); ++i)
      widths_[i] = std::max(widths_[i], display_width(cells[i]));
    rows_.push_back(std::move(cells));
  }
  std::string row(size_t r) const {
    std::string out;
    const auto& cells = rows_[r];
    for (size_t i = 0; i < cells.size(); ++i) {
      out += cells[i];
      if (i + 1 < cells.size()) out += std::string(widths_[i] - display_width(cells[i]) + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  }
  size_t size() const { return rows_.size(); }

 private:
  std::vector<std::vector<std::string>> rows_;
  std::vector<size_t> widths_;
};

std::string describe_link(const config::Bus& bus) {
  std::ostringstream s;
  if (const auto* rtu = std::get_if<config::RtuSettings>(&bus.link)) {
    s << "rtu " << rtu->device << " " << rtu->baud << " baud " << rtu->data_bits << rtu->parity
      << rtu->stop_bits;
  } else {
    const auto& tcp = std::get<config::TcpSettings>(bus.link);
    s << "tcp " << tcp.host << ":" << tcp.port;
  }
  s << ", timeout " << format_duration(bus.timeout);
  if (bus.gap.count()) s << ", gap " << format_duration(bus.gap);
  s << ", retries " << bus.retries;
  return s.str();
}

std::string hex_address(std::uint16_t a) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04X", a);
  return buf;
}

// value = raw * scale + offset, as "x0.1 -5" (empty when neither is set).
std::string transform(const config::Point& p) {
  std::string s;
  if (p.scale != 1) s += "x" + format_number(p.scale);
  if (p.offset != 0) s += (s.empty() ? "" : " ") + std::string(p.offset > 0 ? "+" : "") +
                          format_number(p.offset);
  return s;
}

std::string valid_range(const config::Point& p) {
  if (!p.valid_min && !p.valid_max) return "";
  return "valid " + (p.valid_min ? format_number(*p.valid_min) : "") + ".." +
         (p.valid_max ? format_number(*p.valid_max) : "");
}

std::vector<std::string> point_cells(const config::Point& p) {
  return {"    " + p.name,
          config::to_string(p.table),
          hex_address(p.address),
          config::to_string(p.type),
          config::register_count(p.type) > 1 ? config::to_string(p.order) : "",
          transform(p),
          p.unit,
          valid_range(p),
          p.writable ? "writable" : ""};
}

std::string ms_text(std::chrono::microseconds us) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << us.count() / 1000.0 << " ms";
  return s.str();
}

void print_bus(const config::Config& cfg, const config::Bus& bus, std::ostream& out) {
  out << "\nbus " << bus.name << ": " << describe_link(bus) << "\n";
  Columns devices, points;
  std::vector<std::pair<size_t, size_t>> point_rows;  // per device: [first, last) of `points`
  double line_load = 0;  // fraction of the line's time the polls need
  for (const auto& d : cfg.devices) {
    if (d.bus != bus.name) continue;
    const auto reads = modbus::plan_reads(d);
    std::vector<std::string> cells{
        d.name, "unit " + std::to_string(d.unit), "poll " + format_duration(d.poll),
        plural(d.points.size(), "point"), plural(reads.size(), "read") + " per poll"};
    if (bus.is_rtu()) {
      const auto t = modbus::poll_time(bus, d);
      line_load += double(t.count()) / (d.poll.count() * 1000.0);
      cells.push_back(ms_text(t) + " of line time per poll");
    }
    if (!d.profile.empty()) cells.push_back("profile " + d.profile);
    devices.add(cells);
    const size_t first = points.size();
    for (const auto& p : d.points) points.add(point_cells(p));
    point_rows.emplace_back(first, points.size());
  }
  for (size_t i = 0; i < devices.size(); ++i) {
    out << "  " << devices.row(i) << "\n";
    for (size_t r = point_rows[i].first; r < point_rows[i].second; ++r)
      out << "  " << points.row(r) << "\n";
  }
  if (devices.size() == 0) out << "  (no devices)\n";
  if (bus.is_rtu()) {
    out << "  line busy " << std::fixed << std::setprecision(1) << line_load * 100
        << "% of the time at these poll rates";
    if (line_load > 0.8) out << ": too busy, lengthen polls or raise the baud";
    out << "\n";
  }
}

std::string set_text(const config::Config& cfg, const rules::SetAction& s) {
  const config::Point* p = cfg.find_point(s.point);
  const bool boolean = p && p->type == config::ValueType::boolean;
  return s.point + "=" + (boolean ? (s.value != 0 ? "on" : "off") : format_number(s.value));
}

std::string where(const config::SourcePos& pos) {
  return "(" + pos.file + ":" + std::to_string(pos.line) + ")";
}

void print_rules(const config::Config& cfg, const rules::RuleSet& rs, std::ostream& out) {
  if (!rs.actuators.empty()) {
    out << "\nactuators\n";
    Columns cols;
    for (const auto& a : rs.actuators) {
      std::string limits;
      auto add = [&](const std::string& text) { limits += (limits.empty() ? "" : ", ") + text; };
      if (a.min_on.count()) add("min_on " + format_duration(a.min_on));
      if (a.min_off.count()) add("min_off " + format_duration(a.min_off));
      if (a.max_on.count()) add("max_on " + format_duration(a.max_on));
      for (const auto& x : a.exclusive_with) add("never with " + x);
      cols.add({a.point,
                std::string("failsafe ") + (a.failsafe == rules::Failsafe::on    ? "on"
                                            : a.failsafe == rules::Failsafe::off ? "off"
                                                                                 : "hold"),
                limits});
    }
    for (size_t i = 0; i < cols.size(); ++i) out << "  " << cols.row(i) << "\n";
  }
  if (!rs.rules.empty()) {
    out << "\nrules\n";
    Columns cols;
    for (const auto& r : rs.rules) {
      std::string sets = "sets";
      for (const auto& s : r.set) sets += " " + set_text(cfg, s);
      cols.add({r.name, "priority " + std::to_string(r.priority), sets, where(r.pos)});
    }
    for (size_t i = 0; i < cols.size(); ++i) out << "  " << cols.row(i) << "\n";
  }
  if (!rs.alarms.empty()) {
    out << "\nalarms\n";
    Columns cols;
    for (const auto& a : rs.alarms) cols.add({a.name, rules::to_string(a.severity), where(a.pos)});
    for (size_t i = 0; i < cols.size(); ++i) out << "  " << cols.row(i) << "\n";
  }
}

// The file the package installs has no devices: valid, but the technician needs the way on.
void print_next_steps(const std::string& path, std::ostream& out) {
  out << "\nno devices yet. Next:\n"
      << "  1. add your buses and devices to " << path
      << " (commented examples: /usr/share/doc/farmgate/examples/)\n"
      << "  2. find the unit ids on a bus: farmgate scan -c " << path << " --bus NAME\n"
      << "  3. read a point once: farmgate read -c " << path << " DEVICE.POINT\n"
      << "  4. farmgate check -c " << path << " again, then start the service\n";
}

}  // namespace

void print_summary(const Setup& setup, std::ostream& out) {
  const config::Config& cfg = *setup.config;
  size_t points = 0;
  for (const auto& d : cfg.devices) points += d.points.size();
  out << cfg.path << ": valid\n";
  out << "gateway " << cfg.gateway.id;
  if (!cfg.gateway.site.empty()) out << " \"" << cfg.gateway.site << "\"";
  out << ", timezone " << (cfg.gateway.timezone.empty() ? "(system)" : cfg.gateway.timezone)
      << "\n";
  out << plural(cfg.buses.size(), "bus", "buses") << ", " << plural(cfg.devices.size(), "device")
      << ", " << plural(points, "point") << ", " << plural(setup.rules.actuators.size(), "actuator")
      << ", " << plural(setup.rules.rules.size(), "rule") << ", "
      << plural(setup.rules.alarms.size(), "alarm") << "\n";
  out << "buffer " << cfg.storage.path << ", max " << cfg.storage.max_size / (1024 * 1024)
      << " MiB, commit every " << format_duration(cfg.storage.commit_interval) << ", keep sent "
      << format_duration(cfg.storage.keep_sent) << "\n";
  std::string brokers;
  if (cfg.uplink)
    for (const auto& url : cfg.uplink->urls) brokers += (brokers.empty() ? "" : " then ") + url;
  if (cfg.uplink && cfg.uplink->profile == config::UplinkProfile::thingsboard)
    out << "uplink " << brokers << ", ThingsBoard gateway API (v1/gateway/...)\n";
  else if (cfg.uplink)
    out << "uplink " << brokers << ", topics " << cfg.uplink->topic_prefix << "/"
        << cfg.gateway.id << "/...\n";
  else
    out << "uplink none (buffer only)\n";

  for (const auto& bus : cfg.buses) print_bus(cfg, bus, out);
  print_rules(cfg, setup.rules, out);
  if (cfg.devices.empty()) print_next_steps(cfg.path, out);
}

}  // namespace farmgate::daemon
