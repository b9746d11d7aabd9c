// Figure 4, backlog drain: N readings buffered in a real Store, delivered to a local mosquitto
// at QoS 1 by uplink::Uplink (its Forwarder: batches of max_batch 500, 8 messages in flight,
// marking each batch sent on its PUBACK), timed from connected until the store holds nothing
// unsent. Baseline: a bare Paho C++ loop publishing the very same payloads (built beforehand
// with the same telemetry_payload) at QoS 1 with the same window of 8 unacknowledged
// messages, timed from connected to the last PUBACK.
// Second baseline, the work any durable at-least-once drain must do: a bare loop on raw
// sqlite3 + Paho over a second copy of the same buffer, reading each batch with the same
// query, writing it with the same telemetry_payload, publishing with the same window and
// marking the batch sent (one UPDATE in a transaction) on its PUBACK. Its per-phase times say
// where a message's time goes.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <deque>
#include <mqtt/async_client.h>
#include <sqlite3.h>
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

struct StorePahoTimes {
  double total_s = 0, query_s = 0, json_s = 0, mark_s = 0;
};

// The second baseline (see the top): raw sqlite3 and Paho, no farmgate code but the payload.
StorePahoTimes bare_store_paho(const std::string& uri, const std::string& db_path,
                               const std::string& gateway) {
  sqlite3* db = nullptr;
  if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) throw std::runtime_error("open bare.db");
  sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", nullptr, nullptr,
               nullptr);
  sqlite3_stmt *select = nullptr, *mark = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT r.seq, p.name, r.ts_ms, r.value, p.boolean, p.unit, r.quality, "
                     "r.error FROM readings r JOIN points p ON p.id = r.point WHERE r.sent = 0 "
                     "AND r.seq > ? ORDER BY r.seq LIMIT ?",
                     -1, &select, nullptr);
  sqlite3_prepare_v2(db, "UPDATE readings SET sent = 1 WHERE seq BETWEEN ? AND ? AND sent = 0",
                     -1, &mark, nullptr);
  auto text = [](sqlite3_stmt* s, int c) {
    const unsigned char* t = sqlite3_column_text(s, c);
    return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
  };
  StorePahoTimes times;
  auto mark_sent = [&](std::int64_t first, std::int64_t last) {
    auto t = std::chrono::steady_clock::now();
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_bind_int64(mark, 1, first);
    sqlite3_bind_int64(mark, 2, last);
    sqlite3_step(mark);
    sqlite3_reset(mark);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    times.mark_s += bench::seconds_since(t);
  };

  mqtt::async_client client(uri, "bench-bare-store");
  client.connect(mqtt::connect_options_builder().clean_session(true).finalize())->wait();
  struct Sent {
    mqtt::delivery_token_ptr token;
    std::int64_t first, last;
  };
  std::deque<Sent> window;
  auto t0 = std::chrono::steady_clock::now();
  for (std::int64_t after = 0;;) {
    if (window.size() == kWindow) {
      window.front().token->wait();
      mark_sent(window.front().first, window.front().last);
      window.pop_front();
    }
    auto t = std::chrono::steady_clock::now();
    std::vector<store::StoredReading> batch;
    batch.reserve(kBatch);
    sqlite3_bind_int64(select, 1, after);
    sqlite3_bind_int64(select, 2, static_cast<std::int64_t>(kBatch));
    while (sqlite3_step(select) == SQLITE_ROW) {
      store::StoredReading sr;
      sr.seq = sqlite3_column_int64(select, 0);
      sr.reading.point = text(select, 1);
      sr.reading.ts_ms = sqlite3_column_int64(select, 2);
      if (sqlite3_column_type(select, 3) != SQLITE_NULL)
        sr.reading.value = sqlite3_column_double(select, 3);
      sr.reading.boolean = sqlite3_column_int(select, 4) != 0;
      sr.reading.unit = text(select, 5);
      const int q = sqlite3_column_int(select, 6);
      sr.reading.quality = q == 0 ? Quality::good : q == 1 ? Quality::bad : Quality::error;
      sr.reading.error = text(select, 7);
      batch.push_back(std::move(sr));
    }
    sqlite3_reset(select);
    times.query_s += bench::seconds_since(t);
    if (batch.empty()) break;
    t = std::chrono::steady_clock::now();
    std::string payload = uplink::telemetry_payload(gateway, batch);
    times.json_s += bench::seconds_since(t);
    window.push_back({client.publish("farmgate/bare-store/telemetry", payload.data(),
                                     payload.size(), 1, false),
                      batch.front().seq, batch.back().seq});
    after = batch.back().seq;
  }
  for (auto& s : window) {
    s.token->wait();
    mark_sent(s.first, s.last);
  }
  times.total_s = bench::seconds_since(t0);
  client.disconnect()->wait();
  sqlite3_finalize(select);
  sqlite3_finalize(mark);
  sqlite3_close(db);
  return times;
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
  up.urls = {broker.url()};
  up.client_id = "bench-farmgate";
  up.max_batch = static_cast<int>(kBatch);
  cfg.uplink = up;

  auto store = store::Store::open(cfg.storage);
  for (long i = 0; i < total; ++i) {
    store->add(reading(i));
    if (i % 10000 == 9999) store->commit();
  }
  store->commit();

  // The Paho baseline's payloads: what the forwarder will send, built the same way.
  std::vector<std::string> payloads;
  for (std::int64_t after = 0;;) {
    auto batch = store->unsent_readings(after, kBatch);
    if (batch.empty()) break;
    after = batch.back().seq;
    payloads.push_back(uplink::telemetry_payload(cfg.gateway.id, batch));
  }
  config::Storage bare_storage = cfg.storage;
  bare_storage.path = dir.file("bare.db");
  {
    auto copy = store::Store::open(bare_storage);
    for (long i = 0; i < total; ++i) {
      copy->add(reading(i));
      if (i % 10000 == 9999) copy->commit();
    }
  }

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

  const std::string uri = "tcp://127.0.0.1:" + std::to_string(broker.port());
  const double bare_s = bare_paho(uri, payloads);
  const StorePahoTimes sp = bare_store_paho(uri, bare_storage.path, cfg.gateway.id);
  const double n = static_cast<double>(payloads.size());
  std::fprintf(stderr,
               "drain: %ld readings, %zu messages; farmgate %.2f s (connected after %.2f s), "
               "bare Paho %.2f s, bare sqlite3 + Paho %.2f s\n",
               total, payloads.size(), fg_s, connected_after, bare_s, sp.total_s);
  std::fprintf(stderr,
               "drain: per %zu-reading message in the sqlite3 + Paho loop: query %.0f us, "
               "JSON %.0f us, mark %.0f us, publish + waiting for PUBACKs %.0f us\n",
               kBatch, sp.query_s / n * 1e6, sp.json_s / n * 1e6, sp.mark_s / n * 1e6,
               (sp.total_s - sp.query_s - sp.json_s - sp.mark_s) / n * 1e6);
  bench::report("backlog_drain", static_cast<double>(total) / fg_s, "readings/s",
                static_cast<double>(total) / bare_s);
  bench::report("backlog_drain_vs_sqlite_paho", static_cast<double>(total) / fg_s, "readings/s",
                static_cast<double>(total) / sp.total_s);
  return 0;
}
