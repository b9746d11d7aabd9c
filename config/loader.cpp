// config::load: the main file's top level, then each section (sections.h), then the
// diagnostics put in reading order.
#include "config/loader.h"

#include <algorithm>
#include <exception>
#include <map>
#include <unordered_set>

#include "config/sections.h"
#include "config/yaml_file.h"

namespace farmgate::config {
namespace {

const std::vector<std::string> kTopKeys = {"gateway", "rules", "profiles", "storage",
                                           "uplink",  "http",  "buses", "devices"};

// The main file first, the others (profiles) in order of first mention, then line and column within
// each; identical lines once (a profile's mistake is met again by every device that uses it).
Diagnostics in_reading_order(const Diagnostics& in, const std::string& main_file) {
  std::map<std::string, std::size_t> file_rank{{main_file, 0}};
  for (const auto& d : in.all()) file_rank.emplace(d.pos.file, file_rank.size());
  std::vector<Diagnostic> list = in.all();
  std::stable_sort(list.begin(), list.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    const auto ka = std::make_tuple(file_rank[a.pos.file], a.pos.line, a.pos.col);
    const auto kb = std::make_tuple(file_rank[b.pos.file], b.pos.line, b.pos.col);
    return ka < kb;
  });
  Diagnostics out;
  std::unordered_set<std::string> printed;  // a set: 100k unknown keys must not be quadratic
  for (const auto& d : list) {
    if (!printed.insert(d.str()).second) continue;
    if (d.severity == Diagnostic::Severity::error)
      out.error(d.pos, d.message);
    else
      out.warning(d.pos, d.message);
  }
  return out;
}

void load_into(const std::string& path, const LoadOptions& options, Config& cfg,
               Diagnostics& diags) {
  auto doc = read_yaml_file(path, diags);
  if (!doc) return;
  Fields top =
      Fields::of_map(*doc, path, diags, "sections gateway:, buses:, devices: ...", {path, 1, 1});
  if (!top.ok) return;
  MapReader r(top, diags, kTopKeys);

  const std::string dir = dir_of(path);
  std::vector<std::string> profile_dirs = read_profile_dirs(r, dir);
  profile_dirs.insert(profile_dirs.end(), options.shipped_profile_dirs.begin(),
                      options.shipped_profile_dirs.end());
  LoadContext ctx{path, dir, diags, ProfileLibrary(profile_dirs), options.zoneinfo_dir,
                  options.service_user ? &*options.service_user : nullptr};
  cfg.path = path;
  cfg.profile_dirs = profile_dirs;

  if (const Field* f = r.field("gateway"))
    read_gateway(*f, ctx, cfg.gateway);
  else
    r.missing("gateway");
  cfg.rule_files = read_rule_files(r, dir);
  if (const Field* f = r.field("storage")) read_storage(*f, ctx, cfg.storage);
  if (const Field* f = r.field("uplink")) cfg.uplink = read_uplink(*f, ctx, cfg.gateway.id);
  if (const Field* f = r.field("http")) cfg.http = read_http(*f, ctx);
  if (const Field* f = r.field("buses")) cfg.buses = read_buses(*f, ctx);
  if (const Field* f = r.field("devices")) cfg.devices = read_devices(*f, ctx, cfg.buses);
}

}  // namespace

std::vector<std::string> LoadOptions::default_shipped_profile_dirs() {
  std::vector<std::string> dirs;
  const std::string all = FARMGATE_SHIPPED_PROFILES;
  std::size_t start = 0;
  while (start <= all.size()) {
    const auto colon = all.find(':', start);
    const std::string d =
        all.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!d.empty()) dirs.push_back(d);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return dirs;
}

LoadResult load(const std::string& path, const LoadOptions& options) {
  LoadResult result;
  Diagnostics diags;
  Config cfg;
  try {
    load_into(path, options, cfg, diags);
  } catch (const std::exception& e) {
    // A bug of ours, not the user's: still a diagnostic, never a crash of `check` or a reload.
    diags.error({path, 1, 1}, std::string("internal error while reading the file: ") + e.what());
  }
  result.rule_files = cfg.rule_files;
  result.diagnostics = in_reading_order(diags, path);
  if (!result.diagnostics.has_errors()) result.config = std::move(cfg);
  return result;
}

}  // namespace farmgate::config
