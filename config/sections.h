// The readers of the main file's sections (private to fg_config). Each reads one section
// into the model, filling defaults, and reports every mistake it finds; none throws.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/profiles.h"
#include "config/service_access.h"
#include "config/yaml_walker.h"

namespace farmgate::config {

struct LoadContext {
  std::string file;  // the main file, as given
  std::string dir;   // its folder ("" = current): rules and profiles are relative to it
  Diagnostics& diags;
  ProfileLibrary profiles;
  std::string zoneinfo_dir;  // where gateway.timezone is looked up
  const ServiceUser* service_user = nullptr;  // `check`: judge file access as this account
};

// Device and point names: [A-Za-z_][A-Za-z0-9_]* (a '-' would read as minus in a rule).
bool is_identifier(const std::string& s);

void read_gateway(const Field& field, LoadContext& ctx, Gateway& out);
// The rule files of `rules:` (globs relative to `dir`, expanded in order, each sorted). A glob
// that matches nothing is a warning at the glob; absent `rules:` means rules.d/*.yaml, which
// may match nothing silently (a config without rules is fine). A path without glob
// characters that does not exist, and a folder that exists but cannot be listed, are errors.
std::vector<std::string> read_rule_files(MapReader& top, const std::string& dir);
// The `profiles:` folders, relative to `dir`; one that is not a folder is a warning at it.
std::vector<std::string> read_profile_dirs(MapReader& top, const std::string& dir);
void read_storage(const Field& field, LoadContext& ctx, Storage& out);
// client_id defaults to `gateway_id`.
std::optional<Uplink> read_uplink(const Field& field, LoadContext& ctx,
                                  const std::string& gateway_id);
// `http:` (section_http.cpp): listen as HOST:PORT with an IP literal, a readable password_file.
std::optional<Http> read_http(const Field& field, LoadContext& ctx);
std::vector<Bus> read_buses(const Field& field, LoadContext& ctx);
std::vector<Device> read_devices(const Field& field, LoadContext& ctx,
                                 const std::vector<Bus>& buses);
// One point of `device`: its entries (device and profile merged). Nothing when it is wrong.
std::optional<Point> read_point(const Fields& fields, const std::string& device,
                                Diagnostics& diags);

}  // namespace farmgate::config
