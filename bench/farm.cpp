#include "bench/farm.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace farmgate::bench {

std::string farmsim_yaml(int devices, int points) {
  std::string y = "control: { port: auto }\nservers:\n  - tcp: { host: 127.0.0.1, port: 0 }\n    units: [";
  for (int u = 1; u <= devices; ++u) y += (u > 1 ? ", " : "") + std::to_string(u);
  y += "]\nunits:\n";
  for (int u = 1; u <= devices; ++u) {
    y += "  " + std::to_string(u) + ": { holding: { 0: [";
    for (int p = 0; p < points; ++p) y += (p ? ", " : "") + std::to_string(200 + p);
    y += "] } }\n";
  }
  return y;
}

std::string farmgate_yaml(const std::string& dir, int port, int devices, int points, int buses,
                          const std::string& uplink_url, const std::string& poll) {
  std::string y = "gateway: { id: bench }\nrules: []\nstorage: { path: " + dir + "/buffer.db }\n";
  if (!uplink_url.empty()) y += "uplink: { url: \"" + uplink_url + "\" }\n";
  if (devices == 0) return y;
  y += "buses:\n";
  for (int b = 0; b < buses; ++b)
    y += "  - { name: bus" + std::to_string(b) + ", tcp: { host: 127.0.0.1, port: " +
         std::to_string(port) + " } }\n";
  y += "devices:\n";
  for (int u = 1; u <= devices; ++u) {
    y += "  - name: d" + std::to_string(u) + "\n    bus: bus" + std::to_string((u - 1) % buses) +
         "\n    unit: " + std::to_string(u) + "\n    poll: " + poll + "\n    points:\n";
    for (int p = 0; p < points; ++p)
      y += "      - { name: p" + std::to_string(p) + ", address: " + std::to_string(p) +
           ", type: int16, scale: 0.1 }\n";
  }
  return y;
}

long vm_kib(int pid, const char* field) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  const std::string key = std::string(field) + ":";
  while (std::getline(f, line))
    if (line.compare(0, key.size(), key) == 0) return std::stol(line.substr(key.size()));
  return 0;
}

double cpu_seconds(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const auto close = s.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream in(s.substr(close + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {  // fields 14 and 15 (1-based)
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace farmgate::bench
