#include "daemon/ownership.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

namespace farmgate::daemon {
namespace {

// Who holds `device`, or nullopt when it is free (or absent: an unplugged adapter is the
// Link's to report and wait for, not a reason to refuse to start).
std::optional<std::string> holder_of(const std::string& device) {
  const int fd = ::open(device.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    // EBUSY: opened exclusively (TIOCEXCL) by its holder.
    if (errno == EBUSY) return flock_holder(device);
    return std::nullopt;
  }
  std::optional<std::string> out;
  if (!flock_exclusive(fd)) out = flock_holder(device);
  ::close(fd);  // drops the probe's own lock at once
  return out;
}

}  // namespace

LockFile claim_buffer(const config::Config& config) {
  const std::string path = config.storage.path + ".lock";
  std::string error;
  LockFile lock = LockFile::acquire(path, &error);
  if (!lock.held() && error.find(" is in use by ") != std::string::npos)
    throw std::runtime_error("the buffer " + config.storage.path + " is in use by " +
                             error.substr(error.find(" is in use by ") + 14) +
                             ": one gateway per buffer (lock " + path + ")");
  return lock;
}

void check_serial_ports(const config::Config& config) {
  for (const auto& bus : config.buses) {
    auto* rtu = std::get_if<config::RtuSettings>(&bus.link);
    if (!rtu) continue;
    if (auto who = holder_of(rtu->device))
      throw std::runtime_error("serial port " + rtu->device + " (bus " + bus.name +
                               ") is in use by " + *who + ": one gateway per serial port");
  }
}

std::optional<std::string> busy_port(const config::Config& config,
                                     const std::vector<std::string>& buses) {
  for (const auto& bus : config.buses) {
    auto* rtu = std::get_if<config::RtuSettings>(&bus.link);
    if (!rtu || std::find(buses.begin(), buses.end(), bus.name) == buses.end()) continue;
    if (auto who = holder_of(rtu->device))
      return "busy: serial port " + rtu->device + " (bus " + bus.name + ") is in use by " +
             *who + "; while the gateway runs, read and set points through it: the MQTT `cmd` " +
             "topic (ops read, set, release) or the on-site page";
  }
  return std::nullopt;
}

std::vector<std::string> buses_of(const config::Config& config,
                                  const std::vector<std::string>& point_ids) {
  std::vector<std::string> out;
  for (const auto& id : point_ids) {
    const config::Device* dev = nullptr;
    if (config.find_point(id, &dev) && dev) out.push_back(dev->bus);
  }
  return out;
}

}  // namespace farmgate::daemon
