// What the service account can do with the files a config names (spec §7 "Files"): `check`
// runs as root or as the technician, `run` runs as the `farmgate` user (systemd/, 
// docs/install.md), so "check passes" must mean "the service can read its secrets and write
// its buffer". Permissions are evaluated from the files' owner, group and mode bits against
// the account's uid, gid and supplementary groups, along every folder of the path (each needs
// search permission). POSIX ACLs and mandatory access control are not evaluated.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace farmgate::config {

struct ServiceUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups, the primary one included

  bool is_root() const { return uid == 0; }
  bool in_group(gid_t g) const;
};

// The account `name` from the user database; nothing (with `error`) when there is none.
std::optional<ServiceUser> lookup_service_user(const std::string& name, std::string* error);
// The account `check` judges by: `farmgate` where it exists (an installed gateway), else the
// user running the command (a technician trying a config on a laptop).
std::optional<ServiceUser> default_service_user();

// "" when `user` can read the regular file `path`, else why not, for a message such as
// "/etc/farmgate/mqtt.pass cannot be read by user farmgate: <why>".
std::string why_unreadable(const ServiceUser& user, const std::string& path);
// "" when `user` can create files in the folder `dir` (or `dir` can be created by it), else
// why not.
std::string why_unwritable_folder(const ServiceUser& user, const std::string& dir);

// "owner:group 0640" of `path`, for advice; "" when it cannot be stat'ed.
std::string owner_and_mode(const std::string& path);

}  // namespace farmgate::config
