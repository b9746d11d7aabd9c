// What a reload (SIGHUP) changes in the running daemon, decided from the config model alone:
// which running buses must restart, whether the MQTT connection must be rebuilt, and which
// changes wait for the next start. Comparison is by whole sections (config/compare.h), so a
// field added to the model is compared without anyone remembering to list it here.
//
// Every field of config::Config is classified (reload_plan.cpp says which and why):
//   gateway.id        -> the uplink reconnects (it is in the topics and the client id)
//   gateway.site      -> nothing to restart (the new value is used)
//   gateway.timezone  -> nothing to restart (the engine is always rebuilt on a reload)
//   rule_files        -> nothing to restart (the rules are always reloaded)
//   profile_dirs      -> through the devices: a device whose points changed restarts its bus
//   storage           -> takes effect at the next start (the open buffer stays): a note
//   uplink            -> reconnect when the section or its files' contents differ
//   http              -> the page restarts itself when its settings differ (http/site.cpp)
//   buses, devices    -> a bus restarts when its settings or its devices differ
// Pure: no I/O except uplink_files_digest(), which reads files and so runs off the loop.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace farmgate::daemon {

struct ReloadPlan {
  std::vector<std::string> restart_buses;  // running buses to stop (changed or gone)
  bool reconnect_uplink = false;           // the running uplink must be rebuilt
  std::vector<std::string> notes;          // changes that wait for the next start (logged)

  bool restarts(const std::string& bus) const;
};

// `running_files` / `next_files`: uplink_files_digest() of each config.
ReloadPlan plan_reload(const config::Config& running, const std::string& running_files,
                       const config::Config& next, const std::string& next_files);

// The contents of the uplink's password, CA, certificate and key files, as one string to
// compare (a rotated password or certificate needs a new connection). A file that cannot be
// read contributes its error, so it still compares. Reads files: call it off the loop.
std::string uplink_files_digest(const config::Config& cfg);

// The devices of `bus`, in config order.
std::vector<config::Device> devices_on(const config::Config& cfg, const std::string& bus);

}  // namespace farmgate::daemon
