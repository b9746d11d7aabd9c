// Figure 4, backlog drain: N readings buffered in a real Store, delivered to a local mosquitto
// at QoS 1 by uplink::Uplink (its Forwarder: batches of max_batch 500, 8 messages in flight,
// marking each batch sent on its PUBACK), timed from connected until the store holds nothing
// unsent. Baseline: a bare Paho C++ loop publishing the very same payloads (built beforehand
// with the same telemetry_payload) at QoS 1 with the same window of 8 unacknowledged
// messages, timed from connected to the last PUBACK.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <deque>
#include <mqtt/async_client.h>
#include <stdexcept>

#include "bench/report.h"
#include "store/store.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "uplink/payloads.h"
#include "uplink/uplink.h"

using namespace farmgate;

namespace {

constexpr std::size_t kBatch = 500;
constexpr std::size_t kWindow = 8;

Reading reading(long i) {
  Reading r;
  r.point = "dev" + std::to_string((i % 1000) / 10) + ".p" + std::to_string(i % 10);
  r.ts_ms = 1764000000000 + i;
  r.value = 20.0 + static_cast<double>(i % 97) * 0.1;
  r.unit = "°C";
  r.quality = Quality::good;
  return r;
}

double bare_paho(const std::string& uri, const std::vector<std::string>& payloads) {
  mqtt::async_client client(uri, "bench-bare");
  auto opts = mqtt::connect_options_builder().clean_session(true).finalize();
  client.connect(opts)->wait();
  std::deque<mqtt::delivery_token_ptr> window;
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& p : payloads) {
    if (window.size() == kWindow) {
      window.front()->wait();
      window.pop_front();
    }
    window.push_back(client.publish("farmgate/bare/telemetry", p.data(), p.size(), 1, false));
  }
  for (auto& t : window) t->wait();
  const double s = bench::seconds_since(t0);
  client.disconnect()->wait();
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const long total = bench::quick(argc, argv) ? 100000 : 1000000;
  test::TempDir dir("farmgate-bench");
  test::Broker broker(dir.path());

  config::Config cfg;
  cfg.gateway.id = "bench";
  cfg.storage.path = dir.file("buffer.db");
  cfg.storage.max_size = 4ull << 30;
  config::Uplink up;
  up.url = broker.url();
  up.client_id = "bench-farmgate";
  up.max_batch = static_cast<int>(kBatch);
  cfg.uplink = up;

  auto store = store::Store::open(cfg.storage);
  for (long i = 0; i < total; ++i) {
    store->add(reading(i));
    if (i % 10000 == 9999) store->commit();
  }
  store->commit();

  // The baseline's payloads: what the forwarder will send, built the same way. Timed per
  // phase, as is marking (on a second store, so the drained one stays untouched): the
  // forwarder's own work per message, next to what Paho costs.
  std::vector<std::string> payloads;
  double query_s = 0, json_s = 0;
  for (std::int64_t after = 0;;) {
    auto t = std::chrono::steady_clock::now();
    auto batch = store->unsent_readings(after, kBatch);
    query_s += bench::seconds_since(t);
    if (batch.empty()) break;
    after = batch.back().seq;
    t = std::chrono::steady_clock::now();
    payloads.push_back(uplink::telemetry_payload(cfg.gateway.id, batch));
    json_s += bench::seconds_since(t);
  }
  double mark_s = 0;
  {
    config::Storage probe_cfg = cfg.storage;
    probe_cfg.path = dir.file("mark-probe.db");
    auto probe = store::Store::open(probe_cfg);
    constexpr long kProbe = 20 * static_cast<long>(kBatch);
    for (long i = 0; i < kProbe; ++i) probe->add(reading(i));
    probe->commit();
    for (std::int64_t after = 0;;) {
      auto batch = probe->unsent_readings(after, kBatch);
      if (batch.empty()) break;
      after = batch.back().seq;
      std::vector<std::int64_t> seqs;
      for (const auto& r : batch) seqs.push_back(r.seq);
      auto t = std::chrono::steady_clock::now();
      probe->mark_readings_sent(seqs);
      mark_s += bench::seconds_since(t);
    }
    mark_s = mark_s / 20 * static_cast<double>(payloads.size());
  }
  std::fprintf(stderr, "drain: per %zu-reading message: query %.0f us, json %.0f us, mark %.0f us\n",
               kBatch, query_s / payloads.size() * 1e6, json_s / payloads.size() * 1e6,
               mark_s / payloads.size() * 1e6);

  boost::asio::io_context io;
  uplink::Uplink uplink(io, cfg, *store, [] { return uplink::StatusSnapshot{}; }, nullptr);
  // Timed like the baseline, from connected to the last reading marked sent. A 1 ms check on
  // the same io_context (the oldest unsent through the outbox index: a few us, unlike
  // stats()' count over the whole backlog).
  boost::asio::steady_timer check(io);
  auto t0 = std::chrono::steady_clock::now();
  double connected_after = -1;
  std::chrono::steady_clock::time_point connected_at;
  std::function<void()> arm = [&] {
    check.expires_after(std::chrono::milliseconds(1));
    check.async_wait([&](const boost::system::error_code&) {
      if (connected_after < 0 && uplink.connected()) {
        connected_at = std::chrono::steady_clock::now();
        connected_after = bench::seconds_since(t0);
      }
      if (connected_after >= 0 && store->unsent_readings(0, 1).empty()) {
        io.stop();
        return;
      }
      arm();
    });
  };
  uplink.start();
  arm();
  io.run();
  const double fg_s = bench::seconds_since(connected_at);
  uplink.stop();

  const double bare_s = bare_paho("tcp://127.0.0.1:" + std::to_string(broker.port()), payloads);
  std::fprintf(stderr,
               "drain: %ld readings, %zu messages; farmgate %.2f s (connected after %.2f s), "
               "bare %.2f s\n",
               total, payloads.size(), fg_s, connected_after, bare_s);
  bench::report("backlog_drain", static_cast<double>(total) / fg_s, "readings/s",
                static_cast<double>(total) / bare_s);
  return 0;
}
