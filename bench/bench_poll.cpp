// Figure 1, poll rate over Modbus TCP: points/s of farmgate's transactions layer
// (read_points: planning, libmodbus via Link, decoding to Readings) polling farmsim with no
// pause, against a bare libmodbus loop reading the same registers from the same farmsim.
// The two alternate in slices so machine noise hits both alike.
#include <modbus.h>

#include <time.h>

#include <cstdio>
#include <string>
#include <utility>

#include "bench/report.h"
#include "drivers/modbus/link.h"
#include "drivers/modbus/transactions.h"
#include "tests/support/temp_dir.h"
#include "tests/tools/farmsim_fixture.h"

using namespace farmgate;

namespace {

constexpr int kPoints = 100;  // one device, 100 int16 points at holding 0..99: one read

config::Device make_device() {
  config::Device d;
  d.name = "dev";
  d.bus = "tcp";
  d.unit = 1;
  for (int i = 0; i < kPoints; ++i) {
    config::Point p;
    p.name = "p" + std::to_string(i);
    p.id = d.name + "." + p.name;
    p.table = config::Table::holding;
    p.address = static_cast<std::uint16_t>(i);
    p.type = config::ValueType::int16;
    p.scale = 0.1;
    p.unit = "°C";
    d.points.push_back(p);
  }
  return d;
}

// CPU time of this thread: separates our own work from waiting for the reply.
double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  const double slice = bench::quick(argc, argv) ? 1.5 : 5.0;
  const int rounds = 3;
  test::TempDir dir("farmgate-bench");
  std::string yaml = "control: { port: auto }\nservers:\n  - tcp: { host: 127.0.0.1, port: 0 }\n    units: [1]\nunits:\n  1:\n    holding: { 0: [";
  for (int i = 0; i < kPoints; ++i) yaml += (i ? ", " : "") + std::to_string(200 + i);
  yaml += "] }\n";
  test::Farmsim sim(dir, yaml);

  config::Bus bus;
  bus.name = "tcp";
  bus.link = config::TcpSettings{"127.0.0.1", sim.tcp_port()};
  bus.retries = 0;
  const config::Device device = make_device();
  std::vector<std::size_t> all(kPoints);
  for (int i = 0; i < kPoints; ++i) all[i] = static_cast<std::size_t>(i);
  modbus::Link link(bus);

  auto bare = test::modbus_tcp_client(sim.tcp_port(), 1, std::chrono::milliseconds(500));
  std::uint16_t regs[kPoints];

  // Alternating slices of the bare loop and farmgate's; returns {farmgate, bare} points/s.
  auto measure = [&](double slice_s, const char* label) {
    long fg_points = 0, bare_points = 0, fg_fail = 0, bare_fail = 0;
    double fg_time = 0, bare_time = 0, fg_cpu = 0, bare_cpu = 0;
    for (int r = 0; r < rounds; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      double c0 = thread_cpu_s();
      while (bench::seconds_since(t0) < slice_s) {
        if (modbus_read_registers(bare.get(), 0, kPoints, regs) == kPoints)
          bare_points += kPoints;
        else
          ++bare_fail;
      }
      bare_time += bench::seconds_since(t0);
      bare_cpu += thread_cpu_s() - c0;
      t0 = std::chrono::steady_clock::now();
      c0 = thread_cpu_s();
      while (bench::seconds_since(t0) < slice_s) {
        auto res = modbus::read_points(link, device, all, 1);
        if (res.ok)
          fg_points += static_cast<long>(res.readings.size());
        else
          ++fg_fail;
      }
      fg_time += bench::seconds_since(t0);
      fg_cpu += thread_cpu_s() - c0;
    }
    if (fg_fail || bare_fail)
      std::fprintf(stderr, "poll: failures farmgate=%ld bare=%ld\n", fg_fail, bare_fail);
    std::fprintf(stderr,
                 "poll (%s): per %d-point poll: farmgate %.1f us wall, %.1f us CPU; bare %.1f us "
                 "wall, %.1f us CPU\n",
                 label, kPoints, 1e6 * fg_time * kPoints / fg_points,
                 1e6 * fg_cpu * kPoints / fg_points, 1e6 * bare_time * kPoints / bare_points,
                 1e6 * bare_cpu * kPoints / bare_points);
    return std::make_pair(fg_points / fg_time, bare_points / bare_time);
  };
  auto fast = measure(slice, "no delay");
  bench::report("poll_rate_tcp", fast.first, "points/s", fast.second);
  // A real Modbus TCP device (or an RTU gateway) answers in milliseconds, not microseconds:
  // the same comparison with farmsim answering 2 ms late.
  if (sim.command("fault 1 slow 2").rfind("ok", 0) != 0) return 1;
  auto slow = measure(slice, "device answers in 2 ms");
  bench::report("poll_rate_tcp_2ms_device", slow.first, "points/s", slow.second);
  return 0;
}
