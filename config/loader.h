// Reads and validates the main config file (spec §3) and the profiles it names.
// Every mistake comes back as a positioned diagnostic, all of them in one run; the config is
// present only when there is no error (warnings may accompany it).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/diagnostic.h"
#include "config/service_access.h"

namespace farmgate::config {

struct LoadResult {
  std::optional<Config> config;   // set exactly when diagnostics has no error
  Diagnostics diagnostics;
  // The rule files `rules:` names, also when the config has errors: their own errors
  // (unreadable, empty, not YAML) are then still reported with the main file's.
  std::vector<std::string> rule_files;
};

struct LoadOptions {
  // Searched after the config's own `profiles:` folders. Default: the shipped folders
  // (FARMGATE_SHIPPED_PROFILES, colon-separated, baked in at build time).
  std::vector<std::string> shipped_profile_dirs = default_shipped_profile_dirs();
  static std::vector<std::string> default_shipped_profile_dirs();
  // Where `gateway.timezone` must name a zone file (tests point it elsewhere).
  std::string zoneinfo_dir = "/usr/share/zoneinfo";
  // Set by `check`: the account `run` will use. Then a password_file, ca_file, cert_file or
  // key_file it cannot read, and a storage folder it cannot write, are errors (what `run`
  // would fail on). Unset (run, read, write, scan, tests): only the files' modes are advised on.
  std::optional<ServiceUser> service_user;
};

LoadResult load(const std::string& path, const LoadOptions& options = {});

}  // namespace farmgate::config
