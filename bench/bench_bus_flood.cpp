// Figure: polls kept under a command flood (spec §7 "Polls are never starved", issue 13). A
// BusOwner polls four healthy units of farmsim every 50 ms on one Modbus TCP bus shared with a
// dead unit; remote `read`s of the dead unit come at 9 a second. Value: the healthy units'
// polls/s during the flood, counted at farmsim; baseline: the same without the flood, in the
// same run (slices alternate so machine noise hits both alike). Target ratio >= 0.8.
#include <atomic>
#include <cstdio>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "bench/report.h"
#include "drivers/modbus/bus_owner.h"
#include "tests/support/temp_dir.h"
#include "tests/tools/farmsim_fixture.h"

using namespace farmgate;

namespace {

constexpr int kHealthy = 4;
constexpr int kDead = 9;

long requests(const test::Farmsim& sim, int unit) {
  const std::string r = sim.command("stats " + std::to_string(unit));
  const auto at = r.find("requests=");
  return at == std::string::npos ? -1 : std::stol(r.substr(at + 9));
}

long healthy_requests(const test::Farmsim& sim) {
  long n = 0;
  for (int u = 1; u <= kHealthy; ++u) n += requests(sim, u);
  return n;
}

config::Device device(int unit) {
  config::Device d;
  d.name = "u" + std::to_string(unit);
  d.bus = "tcp";
  d.unit = unit;
  d.poll = Duration(50);
  config::Point p;
  p.name = "v";
  p.id = d.name + ".v";
  p.table = config::Table::holding;
  p.type = config::ValueType::uint16;
  d.points.push_back(p);
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  const double slice = bench::quick(argc, argv) ? 3 : 10;
  const int rounds = 2;
  test::TempDir dir("farmgate-bench");
  test::Farmsim sim(dir, "control: { port: auto }\nservers:\n  - tcp: { host: 127.0.0.1, port: 0 }\n"
                         "    units: [1, 2, 3, 4, 9]\nunits:\n  9: { fault: silent }\n");
  config::Bus bus;
  bus.name = "tcp";
  bus.link = config::TcpSettings{"127.0.0.1", sim.tcp_port()};
  bus.timeout = Duration(200);
  bus.retries = 1;
  std::vector<config::Device> devices;
  for (int u = 1; u <= kHealthy; ++u) devices.push_back(device(u));
  devices.push_back(device(kDead));

  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread loop([&] { io.run(); });
  std::atomic<long> answered{0};
  long asked = 0;
  {
    modbus::BusOwner owner(io, bus, devices, nullptr);
    owner.start();
    std::this_thread::sleep_for(std::chrono::seconds(1));  // the dead unit backs off

    double quiet_polls = 0, flood_polls = 0, quiet_time = 0, flood_time = 0;
    for (int r = 0; r < rounds; ++r) {
      long n0 = healthy_requests(sim);
      auto t0 = std::chrono::steady_clock::now();
      std::this_thread::sleep_for(std::chrono::duration<double>(slice));
      quiet_time += bench::seconds_since(t0);
      quiet_polls += static_cast<double>(healthy_requests(sim) - n0);

      n0 = healthy_requests(sim);
      t0 = std::chrono::steady_clock::now();
      for (auto next = t0; bench::seconds_since(t0) < slice; next += std::chrono::milliseconds(111)) {
        std::this_thread::sleep_until(next);
        ++asked;
        owner.read({"u9.v"}, [&](std::vector<Reading>) { ++answered; });
      }
      flood_time += bench::seconds_since(t0);
      flood_polls += static_cast<double>(healthy_requests(sim) - n0);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    std::fprintf(stderr,
                 "bus_flood: %ld reads of the dead unit asked, %ld answered; dead unit saw %ld "
                 "requests in all\n",
                 asked, answered.load(), requests(sim, kDead));
    bench::report("bus_flood_neighbour_polls", flood_polls / flood_time, "polls/s",
                  quiet_polls / quiet_time);
  }
  guard.reset();
  io.stop();
  loop.join();
  return 0;
}
