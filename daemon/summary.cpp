#include "daemon/summary.h"

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

std::string plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string describe_link(const config::Bus& bus) {
  std::ostringstream s;
  if (const auto* rtu = std::get_if<config::RtuSettings>(&bus.link)) {
    s << "rtu " << rtu->device << " " << rtu->baud << " " << rtu->data_bits << rtu->parity
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

std::string describe_point(const config::Point& p) {
  std::ostringstream s;
  s << std::left << std::setw(14) << p.name << " " << std::setw(8) << config::to_string(p.table)
    << " 0x" << std::hex << std::setw(4) << std::setfill('0') << std::right << p.address
    << std::dec << std::setfill(' ') << std::left << " " << std::setw(7)
    << config::to_string(p.type);
  if (config::register_count(p.type) > 1) s << " " << config::to_string(p.order);
  if (p.scale != 1) s << " x" << format_number(p.scale);
  if (p.offset != 0) s << " +" << format_number(p.offset);
  if (!p.unit.empty()) s << " " << p.unit;
  if (p.valid_min || p.valid_max)
    s << " valid [" << (p.valid_min ? format_number(*p.valid_min) : "") << ", "
      << (p.valid_max ? format_number(*p.valid_max) : "") << "]";
  if (p.writable) s << " writable";
  return s.str();
}

std::string ms_text(std::chrono::microseconds us) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << us.count() / 1000.0 << " ms";
  return s.str();
}

void print_bus(const config::Config& cfg, const config::Bus& bus, std::ostream& out) {
  out << "\nbus " << bus.name << ": " << describe_link(bus) << "\n";
  double line_load = 0;  // fraction of the line's time the polls need
  for (const auto& d : cfg.devices) {
    if (d.bus != bus.name) continue;
    auto reads = modbus::plan_reads(d);
    out << "  " << std::left << std::setw(16) << d.name << " unit " << std::setw(3) << d.unit
        << " poll " << std::setw(5) << format_duration(d.poll) << " " << plural(d.points.size(), "point")
        << ", " << plural(reads.size(), "read");
    if (bus.is_rtu()) {
      auto t = modbus::poll_time(bus, d);
      line_load += double(t.count()) / (d.poll.count() * 1000.0);
      out << ", " << ms_text(t) << " of line time";
    }
    if (!d.profile.empty()) out << "  (profile " << d.profile << ")";
    out << "\n";
    for (const auto& p : d.points) out << "      " << describe_point(p) << "\n";
  }
  if (bus.is_rtu()) {
    out << "  line busy " << std::fixed << std::setprecision(1) << line_load * 100
        << "% of the time at these poll rates";
    if (line_load > 0.8) out << " — too busy: lengthen polls or raise the baud";
    out << "\n";
  }
}

}  // namespace

void print_summary(const Setup& setup, std::ostream& out) {
  const config::Config& cfg = *setup.config;
  size_t points = 0;
  for (const auto& d : cfg.devices) points += d.points.size();
  out << cfg.path << ": valid\n";
  out << "gateway " << cfg.gateway.id;
  if (!cfg.gateway.site.empty()) out << " \"" << cfg.gateway.site << "\"";
  out << ", timezone " << (cfg.gateway.timezone.empty() ? "(system)" : cfg.gateway.timezone) << "\n";
  out << (cfg.buses.size() == 1 ? std::string("1 bus") : std::to_string(cfg.buses.size()) + " buses") << ", " << plural(cfg.devices.size(), "device")
      << ", " << plural(points, "point") << ", " << plural(setup.rules.actuators.size(), "actuator")
      << ", " << plural(setup.rules.rules.size(), "rule") << ", "
      << plural(setup.rules.alarms.size(), "alarm") << "\n";
  out << "buffer " << cfg.storage.path << ", max " << cfg.storage.max_size / (1024 * 1024)
      << " MiB, commit every " << format_duration(cfg.storage.commit_interval) << ", keep sent "
      << format_duration(cfg.storage.keep_sent) << "\n";
  if (cfg.uplink)
    out << "uplink " << cfg.uplink->url << ", topics " << cfg.uplink->topic_prefix << "/"
        << cfg.gateway.id << "/...\n";
  else
    out << "uplink none (buffer only)\n";

  for (const auto& bus : cfg.buses) print_bus(cfg, bus, out);

  if (!setup.rules.actuators.empty()) out << "\nactuators\n";
  for (const auto& a : setup.rules.actuators) {
    out << "  " << std::left << std::setw(28) << a.point << " failsafe "
        << (a.failsafe == rules::Failsafe::on ? "on" : a.failsafe == rules::Failsafe::off ? "off" : "hold");
    if (a.min_on.count()) out << ", min_on " << format_duration(a.min_on);
    if (a.min_off.count()) out << ", min_off " << format_duration(a.min_off);
    if (a.max_on.count()) out << ", max_on " << format_duration(a.max_on);
    for (const auto& x : a.exclusive_with) out << ", never with " << x;
    out << "\n";
  }
  if (!setup.rules.rules.empty()) out << "\nrules\n";
  for (const auto& r : setup.rules.rules) {
    out << "  " << std::left << std::setw(24) << r.name << " priority " << std::setw(3) << r.priority
        << " sets";
    for (const auto& s : r.set) out << " " << s.point << "=" << format_number(s.value);
    out << "  (" << r.pos.file << ":" << r.pos.line << ")\n";
  }
  if (!setup.rules.alarms.empty()) out << "\nalarms\n";
  for (const auto& a : setup.rules.alarms)
    out << "  " << std::left << std::setw(24) << a.name << " " << std::setw(8)
        << rules::to_string(a.severity) << "  (" << a.pos.file << ":" << a.pos.line << ")\n";
}

}  // namespace farmgate::daemon
