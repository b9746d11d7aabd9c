// Reads and validates the main config file (spec §3) and the profiles it names.
// Every mistake comes back as a positioned diagnostic, all of them in one run; the config is
// present only when there is no error (warnings may accompany it).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/diagnostic.h"

namespace farmgate::config {

struct LoadResult {
  std::optional<Config> config;   // set exactly when diagnostics has no error
  Diagnostics diagnostics;
};

struct LoadOptions {
  // Searched after the config's own `profiles:` folders. Default: the shipped folders
  // (FARMGATE_SHIPPED_PROFILES, colon-separated, baked in at build time).
  std::vector<std::string> shipped_profile_dirs = default_shipped_profile_dirs();
  static std::vector<std::string> default_shipped_profile_dirs();
  // Where `gateway.timezone` must name a zone file (tests point it elsewhere).
  std::string zoneinfo_dir = "/usr/share/zoneinfo";
};

LoadResult load(const std::string& path, const LoadOptions& options = {});

}  // namespace farmgate::config
