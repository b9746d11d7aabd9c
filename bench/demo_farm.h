// The farm tools/demo runs (tools/demo.d: a fish pond, a greenhouse and a weather mast with
// farmsim's physics), for process benchmarks that need realistic values rather than
// constants: the demo's own files, read from the source tree, with every unit served by
// farmsim over Modbus TCP on loopback. The demo's pond is on an RTU pty pair, which only one
// gateway can open; on TCP several gateways can poll the same farm at once and see the same
// physics.
#pragma once

#include <map>
#include <string>

namespace farmgate::bench {

// farmsim's description: the demo's units and models, the RTU units moved onto the TCP
// server, the simulated clock at `speed` times real time (the demo's 18:00 start).
std::string demo_farmsim_yaml(double speed);

struct DemoGateway {
  std::string dir;      // storage goes to dir/buffer.db
  int modbus_port = 0;  // farmsim's TCP port
  // The whole `uplink:` section, key by key (url, publish_interval, compress, profile...).
  std::map<std::string, std::string> uplink;
  // Report by exception: "DEVICE.POINT" -> deadband (spec §8). A point not named sends every
  // reading. report_every stays at its default.
  std::map<std::string, double> deadbands;
};

// farmgate's config: the demo's devices, points and polls, both buses on farmsim's TCP port,
// no rules (several gateways on one farm must not drive its relays), the given uplink.
// Throws std::runtime_error when a deadband names a device the demo does not have (a point a
// device does not have is an error farmgate itself reports).
std::string demo_farmgate_yaml(const DemoGateway& gateway);

}  // namespace farmgate::bench
