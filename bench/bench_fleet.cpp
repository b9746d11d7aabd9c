// Fleet on a broker cluster (issue 17): N `farmgate run` gateways (50; 200 in the full run),
// each polling a pond's worth of points (4 devices x 10 registers at 1 Hz from farmsim over
// Modbus TCP) and publishing through node 1 of a real 3-node RabbitMQ cluster on loopback
// (tools/broker-cluster), uplink.url [node 1, node 3]. The platform's consumer holds a
// persistent QoS 1 session on node 2. Half-way through the window node 1's Erlang VM is
// killed with SIGKILL. Figures:
//   - readings/s delivered to the consumer over the window (each (gateway, seq) once);
//   - the failover gap per gateway, as the consumer sees it: its last message before the
//     kill to its first one after it; p50 and p99 over the fleet;
//   - CPU and peak RSS of one gateway (gateway 0) over the window;
//   - readings lost: seqs missing between a gateway's first and last delivered (must be 0).
// Baseline, in the same run: the same fleet against one mosquitto, nothing killed (its "gap"
// at the same instant is the plain spacing of a gateway's messages, ~publish_interval).
#include <mqtt/async_client.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench/farm.h"
#include "bench/report.h"
#include "tests/support/broker_cluster.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/tools/farmsim_fixture.h"

using namespace farmgate;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kDevices = 4, kPoints = 10;

// The platform's side: every reading's (gateway, seq), and when each message of a gateway came.
class Consumer {
 public:
  Consumer(const std::string& url, const std::string& client_id)
      : client_("tcp://" + url.substr(7), client_id, static_cast<mqtt::iclient_persistence*>(nullptr)) {
    client_.set_message_callback([this](mqtt::const_message_ptr m) { on_message(m->to_string()); });
    mqtt::connect_options opts;
    opts.set_clean_session(false);  // a persistent session, as a platform's consumer holds
    opts.set_automatic_reconnect(true);
    client_.connect(opts)->wait();
    client_.subscribe("farmgate/+/telemetry", 1)->wait();
  }
  ~Consumer() {
    try {
      client_.disconnect()->wait_for(std::chrono::seconds(2));
    } catch (const mqtt::exception&) {
    }
  }

  struct Gateway {
    std::set<std::int64_t> seqs;
    std::vector<std::pair<Clock::time_point, std::size_t>> arrivals;  // when, new readings
  };
  std::map<std::string, Gateway> snapshot() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return gateways_;
  }

 private:
  void on_message(const std::string& payload) {
    const auto now = Clock::now();
    const auto j = nlohmann::json::parse(payload, nullptr, false);
    if (j.is_discarded() || !j.contains("readings")) return;
    std::lock_guard<std::mutex> lock(mutex_);
    Gateway& g = gateways_[j.value("gateway", "")];
    std::size_t fresh = 0;
    for (const auto& r : j["readings"]) fresh += g.seqs.insert(r.value("seq", std::int64_t{0})).second;
    g.arrivals.emplace_back(now, fresh);
  }

  mqtt::async_client client_;
  mutable std::mutex mutex_;
  std::map<std::string, Gateway> gateways_;
};

std::string gateway_yaml(const std::string& id, const std::string& dir, int modbus_port,
                         const std::string& urls) {
  std::string y = "gateway: { id: " + id + " }\nrules: []\nstorage: { path: " + dir +
                  "/buffer.db }\nuplink:\n  url: " + urls + "\n  client_id: " + id +
                  "\nbuses:\n  - { name: pond, tcp: { host: 127.0.0.1, port: " +
                  std::to_string(modbus_port) + " } }\ndevices:\n";
  for (int u = 1; u <= kDevices; ++u) {
    y += "  - name: d" + std::to_string(u) + "\n    bus: pond\n    unit: " + std::to_string(u) +
         "\n    poll: 1s\n    points:\n";
    for (int p = 0; p < kPoints; ++p)
      y += "      - { name: p" + std::to_string(p) + ", address: " + std::to_string(p) +
           ", type: int16, scale: 0.1 }\n";
  }
  return y;
}

struct FleetFigures {
  double readings_per_s = 0, gap_p50_ms = 0, gap_p99_ms = 0, cpu_percent = 0, rss_mib = 0;
  double lost = 0;
  int gateways_seen = 0;
};

// Runs the fleet against `urls` for `window` seconds; `half_way` is called in the middle.
FleetFigures run_fleet(const char* name, int gateways, double window, int modbus_port,
                       const std::string& urls, const std::string& consumer_url,
                       const std::function<void()>& half_way) {
  test::TempDir dir("farmgate-fleet");
  Consumer consumer(consumer_url, std::string("fleet-consumer-") + name);
  const std::string farmgate = test::built_binary("farmgate");
  std::vector<std::unique_ptr<test::Process>> fleet;
  for (int i = 0; i < gateways; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "fleet-%03d", i);
    const std::string gdir = dir.path() + "/" + id;
    test::run_command({"mkdir", "-p", gdir});
    const std::string config = dir.write(std::string(id) + ".yaml", gateway_yaml(id, gdir, modbus_port, urls));
    fleet.push_back(std::make_unique<test::Process>(
        std::vector<std::string>{farmgate, "run", "-c", config}, gdir + "/farmgate.log"));
  }
  // Every gateway delivering before the window opens (start-up is not this figure).
  const bool all_up = test::wait_until(
      [&] { return consumer.snapshot().size() == static_cast<std::size_t>(gateways); },
      std::chrono::seconds(120));
  if (!all_up)
    std::fprintf(stderr, "fleet %s: only %zu of %d gateways delivered before the window\n", name,
                 consumer.snapshot().size(), gateways);

  const int probe_pid = fleet.front()->pid();
  const double cpu0 = bench::cpu_seconds(probe_pid);
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(window / 2));
  const auto t_mid = Clock::now();
  half_way();
  std::this_thread::sleep_for(std::chrono::duration<double>(window / 2));
  const auto t1 = Clock::now();
  FleetFigures f;
  f.cpu_percent = 100 * (bench::cpu_seconds(probe_pid) - cpu0) / std::chrono::duration<double>(t1 - t0).count();
  f.rss_mib = static_cast<double>(bench::vm_kib(probe_pid, "VmHWM")) / 1024;
  // What was on its way at t1 still arrives (and closes gaps that are only late).
  std::this_thread::sleep_for(std::chrono::seconds(5));
  for (auto& p : fleet) p->signal(SIGTERM);
  fleet.clear();

  std::size_t in_window = 0;
  std::vector<double> gaps;
  for (const auto& [gateway, g] : consumer.snapshot()) {
    ++f.gateways_seen;
    for (const auto& [when, fresh] : g.arrivals)
      if (when >= t0 && when < t1) in_window += fresh;
    f.lost += static_cast<double>(*g.seqs.rbegin() - *g.seqs.begin() + 1) - static_cast<double>(g.seqs.size());
    Clock::time_point before{}, after{};
    for (const auto& [when, fresh] : g.arrivals) {
      if (when <= t_mid) before = when;
      else if (after == Clock::time_point{}) after = when;
    }
    if (before != Clock::time_point{} && after != Clock::time_point{})
      gaps.push_back(std::chrono::duration<double, std::milli>(after - before).count());
  }
  f.readings_per_s = static_cast<double>(in_window) / std::chrono::duration<double>(t1 - t0).count();
  f.gap_p50_ms = bench::quantile(gaps, 0.5);
  f.gap_p99_ms = bench::quantile(gaps, 0.99);
  std::fprintf(stderr,
               "fleet %s: %d gateways delivered, %.0f readings/s, gap p50 %.0f ms p99 %.0f ms "
               "(%zu gateways), gateway 0: %.1f %% CPU, VmHWM %.1f MiB; %.0f readings lost\n",
               name, f.gateways_seen, f.readings_per_s, f.gap_p50_ms, f.gap_p99_ms, gaps.size(),
               f.cpu_percent, f.rss_mib, f.lost);
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = bench::quick(argc, argv);
  const int gateways = quick ? 50 : 200;
  const double window = quick ? 30 : 60;
  test::TempDir dir("farmgate-bench");
  test::Farmsim sim(dir, bench::farmsim_yaml(kDevices, kPoints));

  test::Broker mosquitto(dir.path());
  const FleetFigures base = run_fleet("mosquitto", gateways, window, sim.tcp_port(), mosquitto.url(),
                                      mosquitto.url(), [] {});
  mosquitto.stop();

  test::BrokerCluster cluster(dir.path() + "/cluster");
  const std::string urls = "[" + cluster.url(1) + ", " + cluster.url(3) + "]";
  const FleetFigures fig = run_fleet("cluster", gateways, window, sim.tcp_port(), urls,
                                     cluster.url(2), [&] { cluster.kill(1); });

  bench::report("fleet_readings_per_s", fig.readings_per_s, "readings/s", base.readings_per_s);
  bench::report("fleet_failover_gap_p50", fig.gap_p50_ms, "ms", base.gap_p50_ms);
  bench::report("fleet_failover_gap_p99", fig.gap_p99_ms, "ms", base.gap_p99_ms);
  bench::report("fleet_gateway_cpu", fig.cpu_percent, "%core", base.cpu_percent);
  bench::report("fleet_gateway_peak_rss", fig.rss_mib, "MiB", base.rss_mib);
  bench::report("fleet_readings_lost", fig.lost, "readings", base.lost);
  return fig.gateways_seen == gateways && base.gateways_seen == gateways ? 0 : 1;
}
