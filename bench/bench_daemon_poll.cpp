// Figure: the whole daemon's poll throughput (issue 13 item 7). `farmgate run` polls 50
// devices x 10 points on one Modbus TCP bus to farmsim with `poll: 1ms` each — far more than
// the link can do, so the bus never rests — storing every reading in its SQLite buffer and
// forwarding it to a local mosquitto. Value: the daemon's polls/s, counted at farmsim.
// Baseline: a bare libmodbus loop reading the same registers of the same units, round robin,
// from the same farmsim, counted the same way. The daemon is paused (SIGSTOP) while the bare
// loop runs, and the slices alternate, so machine noise hits both alike. Target ratio >= 0.9.
#include <signal.h>

#include <cstdio>
#include <thread>

#include "bench/farm.h"
#include "bench/report.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/tools/farmsim_fixture.h"

using namespace farmgate;

namespace {

constexpr int kDevices = 50, kPoints = 10;

long all_requests(const test::Farmsim& sim) {
  long n = 0;
  for (int u = 1; u <= kDevices; ++u) {
    const std::string r = sim.command("stats " + std::to_string(u));
    const auto at = r.find("requests=");
    if (at == std::string::npos) return -1;
    n += std::stol(r.substr(at + 9));
  }
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  const double slice = bench::quick(argc, argv) ? 3 : 8;
  const int rounds = 3;
  test::TempDir dir("farmgate-bench");
  test::Broker broker(dir.path());
  test::Farmsim sim(dir, bench::farmsim_yaml(kDevices, kPoints));
  test::Process daemon({test::built_binary("farmgate"), "run", "-c",
                        dir.write("farmgate.yaml",
                                  bench::farmgate_yaml(dir.path(), sim.tcp_port(), kDevices,
                                                       kPoints, 1, broker.url(), "1ms"))},
                       dir.file("farmgate.log"));
  std::this_thread::sleep_for(std::chrono::seconds(3));  // start-up is another figure

  std::vector<test::ModbusPtr> bare;
  for (int u = 1; u <= kDevices; ++u)
    bare.push_back(test::modbus_tcp_client(sim.tcp_port(), u, std::chrono::milliseconds(500)));
  std::uint16_t regs[kPoints];
  double fg_polls = 0, fg_time = 0, bare_polls = 0, bare_time = 0;
  long bare_fail = 0;
  for (int r = 0; r < rounds; ++r) {
    long n0 = all_requests(sim);
    auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(slice));
    const double fg_slice_time = bench::seconds_since(t0);
    const double fg_slice_polls = static_cast<double>(all_requests(sim) - n0);
    fg_time += fg_slice_time;
    fg_polls += fg_slice_polls;

    daemon.signal(SIGSTOP);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // a reply in flight lands
    n0 = all_requests(sim);
    t0 = std::chrono::steady_clock::now();
    for (std::size_t u = 0; bench::seconds_since(t0) < slice; u = (u + 1) % bare.size())
      if (modbus_read_registers(bare[u].get(), 0, kPoints, regs) != kPoints) ++bare_fail;
    const double bare_slice_time = bench::seconds_since(t0);
    const double bare_slice_polls = static_cast<double>(all_requests(sim) - n0);
    bare_time += bare_slice_time;
    bare_polls += bare_slice_polls;
    // Per round, so that a trend (the buffer growing under the daemon) shows.
    std::fprintf(stderr, "daemon_poll: round %d: farmgate %.0f polls/s, bare %.0f polls/s\n", r,
                 fg_slice_polls / fg_slice_time, bare_slice_polls / bare_slice_time);
    daemon.signal(SIGCONT);
  }
  if (!daemon.running()) {
    std::fprintf(stderr, "daemon_poll: farmgate exited:\n%s\n", daemon.log_text().c_str());
    return 1;
  }
  std::fprintf(stderr, "daemon_poll: %d devices x %d points; bare failures %ld\n", kDevices,
               kPoints, bare_fail);
  bench::report("daemon_poll_rate_tcp", fg_polls / fg_time, "polls/s", bare_polls / bare_time);
  daemon.signal(SIGTERM);
  daemon.wait(std::chrono::seconds(10));
  return 0;
}
