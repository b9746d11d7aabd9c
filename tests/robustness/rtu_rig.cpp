#include "tests/robustness/rtu_rig.h"

#include <sstream>
#include <stdexcept>

namespace farmgate::test {
namespace {

std::string farmsim_yaml(const std::string& device) {
  return "control: { port: auto }\n"
         "servers:\n"
         "  - rtu: { device: " + device + ", baud: 19200, parity: none }\n"
         "    units: [5, 6]\n"
         "units:\n"
         "  5: { holding: { 0: 111 } }\n"
         "  6: { holding: { 0: 222 } }\n";
}

}  // namespace

RtuRig::RtuRig() {
  plug();
  broker_ = std::make_unique<Broker>(dir_.path());
}

std::string RtuRig::write_config(const std::string& poll) const {
  std::ostringstream y;
  y << "gateway: { id: test-gw, site: rig, timezone: UTC }\n"
    << "rules: []\n"
    << "storage: { path: " << dir_.file("buffer.db") << ", commit_interval: 200ms }\n"
    << "uplink: { url: \"mqtt://127.0.0.1:" << broker_->port()
    << "\", publish_interval: 200ms, status_interval: 1s }\n"
    << "buses:\n"
    << "  - name: rs485\n    rtu: { device: " << dir_.file("bus-a")
    << ", baud: 19200, parity: none, data_bits: 8, stop_bits: 1 }\n"
    << "    timeout: 100ms\n    retries: 0\n"
    << "devices:\n";
  for (auto [name, unit] : {std::pair{"sick", kSickUnit}, std::pair{"healthy", kHealthyUnit}})
    y << "  - name: " << name << "\n    bus: rs485\n    unit: " << unit << "\n    poll: " << poll
      << "\n    points:\n      - { name: level, table: holding, address: 0, type: uint16 }\n";
  return dir_.write("farmgate.yaml", y.str());
}

std::unique_ptr<Process> RtuRig::start_daemon() const {
  return std::make_unique<Process>(
      std::vector<std::string>{built_binary("farmgate"), "run", "-c", dir_.file("farmgate.yaml")},
      dir_.file("farmgate.log"));
}

void RtuRig::unplug() {
  sim_.reset();
  pty_.reset();
}

void RtuRig::plug() {
  pty_ = std::make_unique<PtyPair>(dir_.path(), "bus");
  sim_ = std::make_unique<Farmsim>(dir_, farmsim_yaml(pty_->b()));
}

long RtuRig::requests(int unit) const {
  std::string reply = sim_->command("stats " + std::to_string(unit));
  auto at = reply.find("requests=");
  if (reply.rfind("ok", 0) != 0 || at == std::string::npos)
    throw std::runtime_error("farmsim stats: " + reply);
  return std::stol(reply.substr(at + 9));
}

}  // namespace farmgate::test
