// Figure 5, footprint: peak RSS (VmHWM) and CPU (utime+stime over wall) of `farmgate run`
// polling 100 devices x 10 points at 1 Hz from farmsim over TCP (4 buses), storing every
// reading and forwarding it to a local mosquitto. Baseline: an idle `farmgate run` (same
// uplink and storage, no buses, no devices), running alongside over the same window.
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "bench/farm.h"
#include "bench/report.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/tools/farmsim_fixture.h"

using namespace farmgate;

namespace {

long requests(const test::Farmsim& sim, int unit) {
  const std::string r = sim.command("stats " + std::to_string(unit));
  const auto at = r.find("requests=");
  return at == std::string::npos ? -1 : std::stol(r.substr(at + 9));
}

}  // namespace

int main(int argc, char** argv) {
  const double window = bench::quick(argc, argv) ? 10 : 30;
  constexpr int kDevices = 100, kPoints = 10, kBuses = 4;
  test::TempDir dir("farmgate-bench");
  test::TempDir idle_dir("farmgate-bench");
  test::Broker broker(dir.path());
  test::Farmsim sim(dir, bench::farmsim_yaml(kDevices, kPoints));
  const std::string farmgate = test::built_binary("farmgate");

  test::Process busy({farmgate, "run", "-c",
                      dir.write("farmgate.yaml", bench::farmgate_yaml(dir.path(), sim.tcp_port(),
                                                                     kDevices, kPoints, kBuses,
                                                                     broker.url()))},
                     dir.file("farmgate.log"));
  test::Process idle({farmgate, "run", "-c",
                      idle_dir.write("farmgate.yaml", bench::farmgate_yaml(idle_dir.path(), 0, 0,
                                                                          0, 0, broker.url()))},
                     idle_dir.file("farmgate.log"));
  std::this_thread::sleep_for(std::chrono::seconds(3));  // start-up is figure 7, not this one
  const long req0 = requests(sim, 1), req0_last = requests(sim, kDevices);
  const double busy0 = bench::cpu_seconds(busy.pid()), idle0 = bench::cpu_seconds(idle.pid());
  auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(window));
  const double wall = bench::seconds_since(t0);
  const double busy_cpu = bench::cpu_seconds(busy.pid()) - busy0;
  const double idle_cpu = bench::cpu_seconds(idle.pid()) - idle0;
  const long polls = requests(sim, 1) - req0, polls_last = requests(sim, kDevices) - req0_last;
  const long busy_hwm = bench::vm_kib(busy.pid(), "VmHWM"), busy_rss = bench::vm_kib(busy.pid(), "VmRSS");
  const long idle_hwm = bench::vm_kib(idle.pid(), "VmHWM");
  // VmHWM counts every touched page of the shared libraries (libcrypto alone is ~3.4 MiB);
  // RssAnon is the process's own memory: heap, stacks, SQLite's cache.
  const long busy_anon = bench::vm_kib(busy.pid(), "RssAnon");
  const long idle_anon = bench::vm_kib(idle.pid(), "RssAnon");
  const long busy_threads = bench::vm_kib(busy.pid(), "Threads");
  if (!busy.running() || !idle.running()) {
    std::fprintf(stderr, "footprint: farmgate exited:\n%s\n%s\n", busy.log_text().c_str(),
                 idle.log_text().c_str());
    return 1;
  }
  std::fprintf(stderr,
               "footprint: %.1f s window; unit 1 polled %ld times, unit %d %ld times "
               "(expected ~%.0f); VmRSS now %ld KiB, RssFile %ld KiB, %ld threads\n",
               wall, polls, kDevices, polls_last, wall, busy_rss,
               bench::vm_kib(busy.pid(), "RssFile"), busy_threads);
  bench::report("footprint_peak_rss", static_cast<double>(busy_hwm) / 1024, "MiB",
                static_cast<double>(idle_hwm) / 1024);
  bench::report("footprint_rss_anon", static_cast<double>(busy_anon) / 1024, "MiB",
                static_cast<double>(idle_anon) / 1024);
  bench::report("footprint_cpu", 100 * busy_cpu / wall, "%core", 100 * idle_cpu / wall);
  return 0;
}
