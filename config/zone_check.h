// Checking `gateway.timezone` at load time (private to fg_config): the rules engine reads
// the zone's TZif file when the daemon starts, and a zone it cannot read would silently
// turn every schedule into UTC — so a wrong name is a config error instead.
#pragma once

#include <optional>
#include <string>

namespace farmgate::config {

// Where the zone files live (Debian's tzdata).
constexpr const char* kZoneinfoDir = "/usr/share/zoneinfo";

// Nothing when `name` names a zone file under `zoneinfo_dir`: a relative path without `..`
// or empty parts, an existing regular file starting with the TZif magic. Otherwise the
// message for the user, with a "did you mean" over the zones installed when one is close.
// `name` must not be empty (empty = the system's zone, which is not checked).
std::optional<std::string> check_zone(const std::string& name,
                                      const std::string& zoneinfo_dir = kZoneinfoDir);

}  // namespace farmgate::config
