// buses: RTU serial lines and Modbus TCP peers.
#include <map>

#include "config/sections.h"
#include "config/serial.h"
#include "config/units.h"

namespace farmgate::config {
namespace {

std::optional<RtuSettings> read_rtu(const Field& field, LoadContext& ctx) {
  Fields f = Fields::of_map(field.value, ctx.file, ctx.diags, "rtu settings", field.value_pos());
  if (!f.ok) return std::nullopt;
  MapReader r(f, ctx.diags, {"device", "baud", "parity", "data_bits", "stop_bits", "rs485"});
  RtuSettings rtu;
  bool ok = true;
  if (auto d = r.text("device", Need::required))
    rtu.device = *d;
  else
    ok = false;
  rtu.baud = read_baud(r).value_or(rtu.baud);
  rtu.parity = read_parity(r).value_or(rtu.parity);
  rtu.data_bits = read_data_bits(r).value_or(rtu.data_bits);
  rtu.stop_bits = read_stop_bits(r).value_or(rtu.stop_bits);
  rtu.rs485 = r.boolean("rs485").value_or(false);
  if (!ok) return std::nullopt;
  return rtu;
}

std::optional<TcpSettings> read_tcp(const Field& field, LoadContext& ctx) {
  Fields f = Fields::of_map(field.value, ctx.file, ctx.diags, "tcp settings", field.value_pos());
  if (!f.ok) return std::nullopt;
  MapReader r(f, ctx.diags, {"host", "port"});
  TcpSettings tcp;
  auto host = r.text("host", Need::required);
  if (host && host->empty()) r.error_at_value("host", "host is empty");
  tcp.host = host.value_or("");
  tcp.port = static_cast<int>(r.integer("port", 1, 65535).value_or(tcp.port));
  if (!host) return std::nullopt;
  return tcp;
}

std::optional<Bus> read_bus(const YAML::Node& item, const Field& list, LoadContext& ctx,
                            SourcePos& name_pos) {
  Fields f = Fields::of_map(item, ctx.file, ctx.diags, "a bus", list.value_pos());
  if (!f.ok) return std::nullopt;
  MapReader r(f, ctx.diags, {"name", "rtu", "tcp", "timeout", "gap", "retries"});
  Bus bus;
  bus.pos = r.pos();
  bool rtu_ok = false;
  if (auto n = r.text("name", Need::required)) {
    if (n->empty()) r.error_at_value("name", "bus name is empty");
    bus.name = *n;
    name_pos = r.value_pos("name");
  }
  if (r.has("rtu") && r.has("tcp")) {
    const Field* second = r.field("rtu")->key_pos().line > r.field("tcp")->key_pos().line
                              ? r.field("rtu")
                              : r.field("tcp");
    ctx.diags.error(second->key_pos(), "a bus has either rtu: or tcp:, not both");
  } else if (r.has("rtu")) {
    if (auto rtu = read_rtu(*r.field("rtu"), ctx)) {
      bus.link = *rtu;
      rtu_ok = true;
    }
  } else if (r.has("tcp")) {
    if (auto tcp = read_tcp(*r.field("tcp"), ctx)) bus.link = *tcp;
  } else {
    ctx.diags.error(r.pos(), "missing required key 'rtu' or 'tcp'");
  }
  bus.timeout = r.duration("timeout", Duration{1}).value_or(bus.timeout);
  bus.retries = static_cast<int>(r.integer("retries", 0, 10).value_or(bus.retries));
  auto gap = r.duration("gap");
  if (rtu_ok) {
    const auto& rtu = std::get<RtuSettings>(bus.link);
    const Duration min = min_rtu_gap(rtu);
    bus.gap = gap.value_or(min);
    if (gap && *gap < min) {
      r.warning_at_value("gap",
                         "gap " + format_duration(*gap) + " is shorter than 3.5 characters at " +
                             std::to_string(rtu.baud) + " baud: using " + format_duration(min));
      bus.gap = min;
    }
  } else {
    bus.gap = gap.value_or(Duration{0});
  }
  return bus;
}

}  // namespace

std::vector<Bus> read_buses(const Field& field, LoadContext& ctx) {
  std::vector<Bus> buses;
  std::map<std::string, std::string> seen;  // name -> where
  for (const auto& item : list_items(field.value, field, "buses", ctx.diags)) {
    SourcePos name_pos;
    auto bus = read_bus(item, field, ctx, name_pos);
    if (!bus || bus->name.empty()) continue;
    auto [it, fresh] = seen.emplace(bus->name, line_col(name_pos));
    if (!fresh) {
      ctx.diags.error(name_pos, "duplicate bus '" + bus->name + "' (first at " + it->second + ")");
      continue;
    }
    buses.push_back(std::move(*bus));
  }
  return buses;
}

}  // namespace farmgate::config
