// A big simulated farm for the process benchmarks: farmsim serving `devices` units of
// `points` holding registers each on one TCP port, and a farmgate config polling all of them
// at 1 Hz over `buses` TCP buses (separate connections to the same farmsim).
#pragma once

#include <string>

namespace farmgate::bench {

std::string farmsim_yaml(int devices, int points);
// `uplink_url` empty: no uplink section. devices == 0: no buses either (an idle daemon).
// `poll`: every device's poll period.
std::string farmgate_yaml(const std::string& dir, int port, int devices, int points, int buses,
                          const std::string& uplink_url, const std::string& poll = "1s");

// /proc/PID/status VmHWM and VmRSS in KiB (0 when gone); utime+stime in seconds.
long vm_kib(int pid, const char* field);
double cpu_seconds(int pid);

}  // namespace farmgate::bench
