// devices: each device on a bus, its profile and its points.
#include <map>

#include "config/sections.h"
#include "config/serial.h"
#include "config/suggest.h"
#include "config/units.h"

namespace farmgate::config {
namespace {

const std::vector<std::string> kDeviceKeys = {
    "name", "bus", "unit", "poll", "stale_after", "max_registers", "max_gap", "profile", "points"};

// A profile's serial settings are a hint about the bus, which other devices share: a
// mismatch is only a warning, on the device's `profile:` line.
void check_bus_settings(const Profile& prof, const Bus& bus, const SourcePos& where,
                        Diagnostics& diags) {
  if (!bus.is_rtu()) return;
  const auto& rtu = std::get<RtuSettings>(bus.link);
  auto warn = [&](const char* what, const std::string& want, const std::string& have) {
    diags.warning(where, "profile '" + prof.name + "' expects " + what + " " + want +
                             ", but bus '" + bus.name + "' has " + have);
  };
  if (prof.baud && *prof.baud != rtu.baud)
    warn("baud", std::to_string(*prof.baud), std::to_string(rtu.baud));
  if (prof.parity && *prof.parity != rtu.parity)
    warn("parity", parity_name(*prof.parity), parity_name(rtu.parity));
  if (prof.data_bits && *prof.data_bits != rtu.data_bits)
    warn("data_bits", std::to_string(*prof.data_bits), std::to_string(rtu.data_bits));
  if (prof.stop_bits && *prof.stop_bits != rtu.stop_bits)
    warn("stop_bits", std::to_string(*prof.stop_bits), std::to_string(rtu.stop_bits));
}

// The device's points: the profile's first (each overridden key by key by a device point
// of the same name), then the device's other points, in file order.
std::vector<Fields> merge_points(const Profile* prof, const Field* own, LoadContext& ctx) {
  std::vector<Fields> merged;
  std::vector<bool> from_profile;
  if (prof) {
    merged = prof->points;
    from_profile.assign(merged.size(), true);
  }
  if (!own) return merged;
  for (const auto& item : list_items(own->value, *own, "points", ctx.diags)) {
    Fields f = Fields::of_map(item, ctx.file, ctx.diags, "a point", own->value_pos());
    if (!f.ok) continue;
    const Field* name = f.find("name");
    bool merged_in = false;
    if (name && name->value.IsScalar()) {
      for (std::size_t i = 0; i < merged.size() && !merged_in; ++i) {
        const Field* pn = merged[i].find("name");
        if (from_profile[i] && pn && pn->value.Scalar() == name->value.Scalar()) {
          merged[i].overlay(f);
          merged[i].pos = f.pos;
          from_profile[i] = false;
          merged_in = true;
        }
      }
    }
    if (!merged_in) {
      merged.push_back(std::move(f));
      from_profile.push_back(false);
    }
  }
  return merged;
}

void read_points(Device& d, const std::vector<Fields>& merged, Diagnostics& diags) {
  std::map<std::string, std::string> seen;  // name -> where
  for (const auto& f : merged) {
    auto p = read_point(f, d.name, diags);
    if (!p) continue;
    const SourcePos name_pos = f.find("name")->value_pos();
    auto [it, fresh] = seen.emplace(p->name, line_col(name_pos));
    if (!fresh) {
      diags.error(name_pos, "duplicate point '" + p->name + "' in device '" + d.name +
                                "' (first at " + it->second + ")");
      continue;
    }
    d.points.push_back(std::move(*p));
  }
}

// A value that needs more registers than the device serves in one read can never be read.
void check_spans(const Device& d, Diagnostics& diags) {
  for (const auto& p : d.points) {
    if (is_bit_table(p.table) || register_count(p.type) <= d.max_registers) continue;
    diags.error(p.pos, std::string(to_string(p.type)) + " point '" + p.name + "' spans " +
                           std::to_string(register_count(p.type)) +
                           " registers, more than max_registers " +
                           std::to_string(d.max_registers) + " of device '" + d.name + "'");
  }
}

std::optional<Device> read_device(const YAML::Node& item, const Field& list, LoadContext& ctx,
                                  const std::vector<Bus>& buses, SourcePos& name_pos) {
  Fields f = Fields::of_map(item, ctx.file, ctx.diags, "a device", list.value_pos());
  if (!f.ok) return std::nullopt;
  const Profile* prof = nullptr;
  const Field* pf = f.find("profile");
  if (pf && pf->value.IsScalar())
    prof = ctx.profiles.get(pf->value.Scalar(), pf->value_pos(), ctx.diags);
  if (prof)
    for (const auto& e : prof->defaults.entries) f.add_if_absent(e);
  MapReader r(f, ctx.diags, kDeviceKeys);
  const Field* own_points = r.field("points");

  Device d;
  d.pos = r.pos();
  if (auto n = r.text("name", Need::required)) {
    name_pos = r.value_pos("name");
    if (is_identifier(*n))
      d.name = *n;
    else
      r.error_at_value("name", "bad device name '" + *n +
                                   "': use letters, digits and '_', not starting with a digit");
  }
  const Bus* bus = nullptr;
  if (auto b = r.text("bus", Need::required)) {
    d.bus = *b;
    for (const auto& candidate : buses)
      if (candidate.name == *b) bus = &candidate;
    if (!bus) {
      std::vector<std::string> names;
      for (const auto& candidate : buses) names.push_back(candidate.name);
      r.error_at_value("bus", "unknown bus '" + *b + "'" + did_you_mean(*b, names));
    }
  }
  if (auto u = r.integer("unit", 0, 1'000'000)) {
    if (*u < 1 || *u > 255)
      r.error_at_value("unit",
                       "unit " + std::to_string(*u) + " is not a Modbus unit id: use 1-247");
    else if (*u > 247)
      r.warning_at_value("unit", "unit " + std::to_string(*u) +
                                     " is reserved by the Modbus spec (1-247); some boards use it");
    d.unit = static_cast<int>(*u);
  }
  d.poll = r.duration("poll", Duration{1}).value_or(d.poll);
  auto stale = r.duration("stale_after", Duration{1});
  d.stale_after = stale.value_or(3 * d.poll);
  if (stale && *stale < d.poll)
    r.warning_at_value("stale_after", "stale_after " + format_duration(*stale) +
                                          " is shorter than poll " + format_duration(d.poll) +
                                          ": the values go stale between polls");
  d.max_registers = static_cast<int>(r.integer("max_registers", 1, 125).value_or(125));
  d.max_gap = static_cast<int>(r.integer("max_gap", 0, 125).value_or(0));
  if (auto p = r.text("profile")) {
    d.profile = *p;
    if (prof && bus) check_bus_settings(*prof, *bus, r.value_pos("profile"), ctx.diags);
  }
  // With a profile named (found or not) the points may all come from it.
  if (!own_points && !r.has("profile")) r.missing("points");
  read_points(d, merge_points(prof, own_points, ctx), ctx.diags);
  check_spans(d, ctx.diags);
  return d;
}

}  // namespace

std::vector<Device> read_devices(const Field& field, LoadContext& ctx,
                                 const std::vector<Bus>& buses) {
  std::vector<Device> devices;
  std::map<std::string, std::string> seen;  // name -> where
  for (const auto& item : list_items(field.value, field, "devices", ctx.diags)) {
    SourcePos name_pos;
    auto d = read_device(item, field, ctx, buses, name_pos);
    if (!d || d->name.empty()) continue;
    auto [it, fresh] = seen.emplace(d->name, line_col(name_pos));
    if (!fresh) {
      ctx.diags.error(name_pos, "duplicate device '" + d->name + "' (first at " + it->second + ")");
      continue;
    }
    devices.push_back(std::move(*d));
  }
  return devices;
}

}  // namespace farmgate::config
