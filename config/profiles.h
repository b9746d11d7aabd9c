// Device profiles (spec §3): `profile: NAME` on a device loads NAME.yaml from the first
// profile folder that has it (the config's own `profiles:` folders, then the shipped ones).
// Private to fg_config.
//
// A profile file:
//   model: "Supmea SUP-DO7013"           # optional, free text
//   source: "vendor manual V1.2 [V]"     # optional, free text
//   defaults: { poll: 10s, unit: 1, baud: 9600, parity: none }   # optional
//   points: [ { name: do, table: holding, address: 1, ... } ]
// `defaults:` may hold poll, stale_after, unit, max_registers, max_gap (used by a device
// that does not set them) and baud, parity, data_bits, stop_bits (the bus is shared, so
// these only raise a warning on a device whose RTU bus differs). A profile's points are
// merged key by key with the device's points of the same name; their values are checked
// as part of each device that uses them, at the profile's own path and position.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/diagnostic.h"
#include "config/yaml_walker.h"

namespace farmgate::config {

struct Profile {
  std::string name;
  std::string path;  // the file found, e.g. "profiles/do-probe.yaml"
  std::string model, source;
  Fields defaults;  // only the device keys (poll, stale_after, unit, ...)
  std::optional<int> baud, data_bits, stop_bits;
  std::optional<char> parity;
  std::vector<Fields> points;  // each point's entries, in file order
};

class ProfileLibrary {
 public:
  explicit ProfileLibrary(std::vector<std::string> dirs) : dirs_(std::move(dirs)) {}

  // The profile NAME, loaded once; the mistakes inside it are reported once, at its path.
  // nullptr when no folder has it (an error at `where`, listing the folders searched) or
  // the file could not be read as a profile at all.
  const Profile* get(const std::string& name, const SourcePos& where, Diagnostics& diags);

  const std::vector<std::string>& dirs() const { return dirs_; }

 private:
  std::optional<std::string> find_file(const std::string& name) const;
  std::vector<std::string> available() const;  // names of every profile in the folders

  std::vector<std::string> dirs_;
  std::map<std::string, std::optional<Profile>> loaded_;
};

// Device keys a profile's `defaults:` may supply.
const std::vector<std::string>& profile_device_defaults();

}  // namespace farmgate::config
