#include "daemon/reload_plan.h"

#include <algorithm>

#include "config/compare.h"
#include "config/file_read.h"

namespace farmgate::daemon {

bool ReloadPlan::restarts(const std::string& bus) const {
  return std::find(restart_buses.begin(), restart_buses.end(), bus) != restart_buses.end();
}

std::vector<config::Device> devices_on(const config::Config& cfg, const std::string& bus) {
  std::vector<config::Device> out;
  for (const auto& d : cfg.devices)
    if (d.bus == bus) out.push_back(d);
  return out;
}

ReloadPlan plan_reload(const config::Config& running, const std::string& running_files,
                       const config::Config& next, const std::string& next_files) {
  ReloadPlan plan;
  // The binding names every field of Config: one added to config.h fails to compile here
  // until it is classified below (and in the header's table).
  const auto& [path, gateway, rule_files, profile_dirs, storage, uplink, http, buses, devices] =
      next;
  (void)path;          // the same file is reloaded
  (void)rule_files;    // rules are always reloaded
  (void)profile_dirs;  // their effect shows in the devices' points
  (void)devices;       // compared per bus below
  (void)http;          // the page compares its own settings and restarts itself (http/site.cpp)

  for (const auto& bus : running.buses) {
    const config::Bus* now = next.find_bus(bus.name);
    if (!now || *now != bus || devices_on(next, bus.name) != devices_on(running, bus.name))
      plan.restart_buses.push_back(bus.name);
  }
  (void)buses;

  // gateway.site and .timezone need no restart: the engine is rebuilt from the new config.
  plan.reconnect_uplink = running.uplink.has_value() &&
                          (!uplink || *uplink != *running.uplink ||
                           gateway.id != running.gateway.id || next_files != running_files);

  if (storage != running.storage)
    plan.notes.push_back("storage settings changed: they take effect at the next start (the open "
                         "buffer stays)");
  return plan;
}

std::string uplink_files_digest(const config::Config& cfg) {
  if (!cfg.uplink) return "";
  const config::Uplink& u = *cfg.uplink;
  std::string key;
  for (const std::string* f : {&u.password_file, &u.ca_file, &u.cert_file, &u.key_file}) {
    if (f->empty()) {
      key += "-|";
      continue;
    }
    const config::FileRead file = config::read_regular_file(*f);
    const std::string& part = file.ok ? file.bytes : "unreadable: " + file.error;
    key += std::to_string(part.size()) + ":" + part + "|";
  }
  return key;
}

}  // namespace farmgate::daemon
