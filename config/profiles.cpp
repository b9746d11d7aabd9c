#include "config/profiles.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "config/serial.h"
#include "config/suggest.h"
#include "config/yaml_file.h"

namespace farmgate::config {
namespace fs = std::filesystem;

namespace {

bool valid_profile_name(const std::string& name) {
  if (name.empty() || name[0] == '.') return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

void read_defaults(const Field& field, Profile& p, Diagnostics& diags) {
  Fields f = Fields::of_map(field.value, p.path, diags, "profile defaults", field.value_pos());
  if (!f.ok) return;
  std::vector<std::string> known = profile_device_defaults();
  for (const char* k : {"baud", "parity", "data_bits", "stop_bits"}) known.push_back(k);
  MapReader r(f, diags, known);
  p.baud = read_baud(r);
  p.parity = read_parity(r);
  p.data_bits = read_data_bits(r);
  p.stop_bits = read_stop_bits(r);
  for (const auto& key : profile_device_defaults())
    if (const Field* d = r.field(key)) p.defaults.entries.push_back(*d);
}

void read_points(const Field& field, Profile& p, Diagnostics& diags) {
  std::map<std::string, std::string> seen;  // name -> where
  for (const auto& item : list_items(field.value, field, "points", diags)) {
    Fields f = Fields::of_map(item, p.path, diags, "a point", field.value_pos());
    if (!f.ok) continue;
    const Field* name = f.find("name");
    if (!name) {
      diags.error(f.pos, "missing required key 'name'");
      continue;
    }
    if (!name->value.IsScalar()) {
      diags.error(name->value_pos(), "expected a text, got " + describe(name->value));
      continue;
    }
    auto [it, fresh] = seen.emplace(name->value.Scalar(), line_col(name->value_pos()));
    if (!fresh) {
      diags.error(name->value_pos(),
                  "duplicate point '" + it->first + "' (first at " + it->second + ")");
      continue;
    }
    p.points.push_back(std::move(f));
  }
}

std::optional<Profile> load_profile(const std::string& name, const std::string& path,
                                    Diagnostics& diags) {
  auto doc = read_yaml_file(path, diags);
  if (!doc) return std::nullopt;
  Fields top = Fields::of_map(*doc, path, diags, "a profile", {path, 1, 1});
  if (!top.ok) return std::nullopt;
  MapReader r(top, diags, {"model", "source", "defaults", "points"});
  Profile p;
  p.name = name;
  p.path = path;
  p.model = r.text("model").value_or("");
  p.source = r.text("source").value_or("");
  if (const Field* d = r.field("defaults")) read_defaults(*d, p, diags);
  if (const Field* pts = r.field("points")) read_points(*pts, p, diags);
  return p;
}

}  // namespace

const std::vector<std::string>& profile_device_defaults() {
  static const std::vector<std::string> keys = {"poll", "stale_after", "unit", "max_registers",
                                                "max_gap"};
  return keys;
}

std::optional<std::string> ProfileLibrary::find_file(const std::string& name) const {
  for (const auto& dir : dirs_) {
    const std::string path = join_path(dir, name + ".yaml");
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) return path;
  }
  return std::nullopt;
}

std::vector<std::string> ProfileLibrary::available() const {
  std::set<std::string> names;
  for (const auto& dir : dirs_) {
    std::error_code ec;
    for (fs::directory_iterator it(dir.empty() ? "." : dir, ec), end; !ec && it != end;
         it.increment(ec))
      if (it->path().extension() == ".yaml") names.insert(it->path().stem().string());
  }
  return {names.begin(), names.end()};
}

const Profile* ProfileLibrary::get(const std::string& name, const SourcePos& where,
                                   Diagnostics& diags) {
  if (!valid_profile_name(name)) {
    diags.error(where, "bad profile name '" + name +
                           "': a file name without folder or extension, e.g. supmea-sup-do7013");
    return nullptr;
  }
  auto cached = loaded_.find(name);
  if (cached == loaded_.end()) {
    auto path = find_file(name);
    if (!path) {
      std::string searched;
      for (const auto& d : dirs_)
        searched += (searched.empty() ? "" : ", ") + (d.empty() ? "." : d);
      diags.error(where, "unknown profile '" + name + "'" + did_you_mean(name, available()) +
                             "; searched: " + (searched.empty() ? "no folders" : searched));
      return nullptr;
    }
    cached = loaded_.emplace(name, load_profile(name, *path, diags)).first;
  }
  return cached->second ? &*cached->second : nullptr;
}

}  // namespace farmgate::config
