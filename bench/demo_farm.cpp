#include "bench/demo_farm.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace farmgate::bench {
namespace {

std::string demo_file(const std::string& name) {
  const std::string path = std::string(FARMGATE_SOURCE_DIR) + "/tools/demo.d/" + name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string fill(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [key, value] : values)
    for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
      text.replace(at, key.size(), value);
  return text;
}

// "0.2", not the 0.20000000000000001 yaml-cpp would write for the double.
std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string emit(const YAML::Node& root) {
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace

std::string demo_farmsim_yaml(double speed) {
  // @DIR@ only names the RTU line's pty, which is dropped below.
  YAML::Node root = YAML::Load(fill(demo_file("farmsim.yaml.in"),
                                    {{"@SPEED@", number_text(speed)}, {"@DIR@", "/nonexistent"}}));
  YAML::Node tcp, servers(YAML::NodeType::Sequence);
  std::vector<YAML::Node> moved;
  for (YAML::Node server : root["servers"]) {
    if (server["tcp"])
      tcp = server;
    else
      moved.push_back(server["units"]);
  }
  if (!tcp) throw std::runtime_error("tools/demo.d/farmsim.yaml.in has no tcp server");
  for (const auto& units : moved)
    for (YAML::Node unit : units) tcp["units"].push_back(unit);
  servers.push_back(tcp);
  root["servers"] = servers;
  return emit(root);
}

std::string demo_farmgate_yaml(const DemoGateway& gateway) {
  const std::string port = std::to_string(gateway.modbus_port);
  // @MQTT_PORT@: the demo's uplink section is replaced below.
  YAML::Node root =
      YAML::Load(fill(demo_file("farmgate.yaml.in"),
                      {{"@DIR@", gateway.dir}, {"@TCP_PORT@", port}, {"@MQTT_PORT@", "0"}}));
  root["rules"] = YAML::Node(YAML::NodeType::Sequence);
  root["storage"]["path"] = gateway.dir + "/buffer.db";
  YAML::Node uplink(YAML::NodeType::Map);
  for (const auto& [key, value] : gateway.uplink) uplink[key] = value;
  root["uplink"] = uplink;
  // The pond's RTU line becomes farmsim's TCP port, where demo_farmsim_yaml serves its units.
  for (YAML::Node bus : root["buses"]) {
    if (!bus["rtu"]) continue;
    bus.remove("rtu");
    bus["tcp"]["host"] = "127.0.0.1";
    bus["tcp"]["port"] = gateway.modbus_port;
  }

  std::map<std::string, std::map<std::string, double>> by_device;
  for (const auto& [id, deadband] : gateway.deadbands) {
    const auto dot = id.find('.');
    by_device[id.substr(0, dot)][id.substr(dot + 1)] = deadband;
  }
  for (YAML::Node device : root["devices"]) {
    auto wanted = by_device.find(device["name"].as<std::string>());
    if (wanted == by_device.end()) continue;
    if (!device["points"]) device["points"] = YAML::Node(YAML::NodeType::Sequence);
    for (const auto& [point, deadband] : wanted->second) {
      bool found = false;
      for (YAML::Node p : device["points"])
        if (p["name"].as<std::string>() == point) {
          p["deadband"] = number_text(deadband);
          found = true;
        }
      // A profile's point: a device point of the same name overrides it key by key.
      if (!found) {
        YAML::Node p;
        p["name"] = point;
        p["deadband"] = number_text(deadband);
        device["points"].push_back(p);
      }
    }
    by_device.erase(wanted);
  }
  if (!by_device.empty())
    throw std::runtime_error("deadband for a device the demo does not have: " +
                             by_device.begin()->first);
  return emit(root);
}

}  // namespace farmgate::bench
