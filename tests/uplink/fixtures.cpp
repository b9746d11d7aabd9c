#include "tests/uplink/fixtures.h"

#include <catch2/catch.hpp>

#include "tests/support/process.h"

namespace farmgate::test {

config::Config uplink_config(const std::string& url, const std::string& db_path, int max_batch,
                             int publish_ms, int status_ms) {
  config::Config c;
  c.path = "farmgate.yaml";
  c.gateway.id = "gw-test";
  c.storage.path = db_path;
  config::Device dev;
  dev.name = "pond1_do";
  config::Point p;
  p.name = "do";
  p.id = "pond1_do.do";
  p.type = config::ValueType::float32;
  p.unit = "mg/L";
  dev.points.push_back(p);
  c.devices.push_back(dev);
  config::Device relay;
  relay.name = "pond1_relay";
  config::Point a;
  a.name = "aerator";
  a.id = "pond1_relay.aerator";
  a.table = config::Table::coil;
  a.type = config::ValueType::boolean;
  a.writable = true;
  relay.points.push_back(a);
  config::Point sp;
  sp.name = "setpoint";
  sp.id = "pond1_relay.setpoint";
  sp.writable = true;
  relay.points.push_back(sp);
  c.devices.push_back(relay);
  if (!url.empty()) {
    config::Uplink u;
    u.urls = {url};
    u.client_id = "gw-test";
    u.max_batch = max_batch;
    u.publish_interval = Duration(publish_ms);
    u.status_interval = Duration(status_ms);
    c.uplink = u;
  }
  return c;
}

Reading do_reading(std::int64_t ts_ms, double value) {
  Reading r;
  r.point = "pond1_do.do";
  r.ts_ms = ts_ms;
  r.value = value;
  r.unit = "mg/L";
  r.quality = Quality::good;
  return r;
}

std::string topic(const std::string& leaf) { return "farmgate/gw-test/" + leaf; }

Gateway::Gateway(const config::Config& c, uplink::Uplink::CommandHandler commands) : config(c) {
  loop.on_loop([&] {
    store = store::Store::open(config.storage);
    uplink::StatusSnapshot snap;
    snap.version = "0.1.0-test";
    snap.started_ms = 1764320000000;
    snap.config_sha256 = std::string(64, 'a');
    snap.devices["pond1_do"] = uplink::DeviceHealth{12, 1, "timeout"};
    uplink = std::make_unique<uplink::Uplink>(
        loop.io(), config, *store, [snap] { return snap; }, std::move(commands));
    return 0;
  });
}

Gateway::~Gateway() {
  loop.on_loop([&] {
    uplink.reset();
    store.reset();
    return 0;
  });
}

void Gateway::add_readings(int n, std::int64_t first_ts) {
  loop.on_loop([&] {
    for (int i = 0; i < n; ++i) store->add(do_reading(first_ts + i, 5.0 + (i % 100) / 100.0));
    return store->commit();
  });
}

void Gateway::add_event(const Event& e) {
  loop.on_loop([&] {
    store->add(e);
    return store->commit();
  });
}

store::BufferStats Gateway::stats() {
  return loop.on_loop([&] { return store->stats(); });
}
void Gateway::start() {
  loop.on_loop([&] {
    uplink->start();
    return 0;
  });
  REQUIRE(wait_until([&] { return connected(); }));
}
bool Gateway::connected() {
  return loop.on_loop([&] { return uplink->connected(); });
}
std::string Gateway::last_error() {
  return loop.on_loop([&] { return uplink->last_error(); });
}
std::string Gateway::broker() {
  return loop.on_loop([&] { return uplink->broker(); });
}

}  // namespace farmgate::test
