// Figure 10, bytes on the wire (issue 15, spec §8): what the demo farm's readings cost on the
// MQTT link, per reading, for each way farmgate can send them. One `farmgate run` per
// configuration, all polling the same farmsim (the demo's farm and physics, all on Modbus
// TCP) over the same window, each with its own mosquitto, so that broker's
// $SYS/broker/bytes/received is exactly that gateway's session: every packet it sent,
// CONNECT, SUBSCRIBE, status, PINGREQ, PUBLISH headers, the offline status and DISCONNECT.
// Readings: those the gateway's own buffer holds as handled at the end (sent, or held back by
// report by exception: those count too, that is the point of it); the readings still waiting
// for their publish_interval cost nothing yet and are not counted either.
// Baselines, same run: farmgate's plain JSON at 1 s (the ratios' denominator), and two other
// gateways' formats computed on the plain gateway's very readings (bench/other_formats.h).
#include <sqlite3.h>

#include <climits>
#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>
#include <thread>

#include "bench/demo_farm.h"
#include "bench/mqtt_publish.h"
#include "bench/other_formats.h"
#include "bench/report.h"
#include "config/loader.h"
#include "store/recorded.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/tools/farmsim_fixture.h"

using namespace farmgate;

namespace {

// Real time: a farm's month runs at it, and deadbands are set for it. (The demo runs at
// 120x: every value moves 120 times as fast and far more of them pass their deadbands.)
constexpr double kFarmSpeed = 1;

// What a technician would set on this farm: above each probe's noise (farmsim's: DO 0.02 mg/L,
// soil 0.1 %, outdoor humidity 2 %), below what anyone acts on; relays send their changes.
// report_every stays at its default, 10m.
const std::map<std::string, double> kDeadbands = {
    {"pond1_relay.aerator", 0},
    {"pond1_relay.feeder", 0},
    {"pond1_do.temperature", 0.2},
    {"pond1_do.do", 0.2},
    {"pond1_do.saturation", 2},
    {"gh_valves.zone1", 0},
    {"gh_valves.zone2", 0},
    {"gh_valves.fertigation", 0},
    {"gh_soil1.temperature", 0.5},
    {"gh_soil1.vwc", 1},
    {"gh_soil1.ec", 20},
    {"gh_soil1.salinity", 10},
    {"gh_soil1.tds", 10},
    {"gh_soil1.permittivity", 0.5},
    {"gh_soil2.temperature", 0.5},
    {"gh_soil2.vwc", 1},
    {"gh_soil2.ec", 20},
    {"gh_soil2.salinity", 10},
    {"gh_soil2.tds", 10},
    {"gh_soil2.permittivity", 0.5},
    {"gh_air.temperature", 0.5},
    {"gh_air.humidity", 3},
    {"weather_wind.wind_speed", 1},
    {"weather_dir.sector", 0},
    {"weather_dir.direction", 20},
    {"weather_air.temperature", 0.5},
    {"weather_air.humidity", 5},
};

struct Setup {
  std::string name;
  std::map<std::string, std::string> uplink;  // besides url
  bool rbe = false;
};

const std::vector<Setup> kSetups = {
    {"json_1s", {{"publish_interval", "1s"}}, false},
    {"json_1s_rbe", {{"publish_interval", "1s"}}, true},
    {"zstd_1s", {{"publish_interval", "1s"}, {"compress", "zstd"}}, false},
    {"zstd_1s_rbe", {{"publish_interval", "1s"}, {"compress", "zstd"}}, true},
    {"zstd_60s", {{"publish_interval", "60s"}, {"compress", "zstd"}}, false},
    {"zstd_60s_rbe", {{"publish_interval", "60s"}, {"compress", "zstd"}}, true},
    // The token is the CONNECT's username; ThingsBoard's are 20 characters.
    {"thingsboard_1s",
     {{"publish_interval", "1s"}, {"profile", "thingsboard"}, {"username", "BENCHTOKEN0123456789"}},
     false},
    // Sparkplug B: protobuf, metrics by alias, one DDATA per device and batch.
    {"sparkplug_1s", {{"publish_interval", "1s"}, {"profile", "sparkplug"}, {"group", "bench"}},
     false},
    {"sparkplug_1s_rbe",
     {{"publish_interval", "1s"}, {"profile", "sparkplug"}, {"group", "bench"}},
     true},
};

constexpr const char* kBytes = "$SYS/broker/bytes/received";
constexpr const char* kPackets = "$SYS/broker/messages/received";  // every packet, any kind
constexpr const char* kTelemetry = "farmgate/demo-farm/telemetry";

struct MeterMessage {
  std::string topic, payload;
};

// A broker's own counters and every message the gateway published, through a mosquitto_sub
// that stays connected from before the gateway until after it: after its SUBSCRIBE it sends
// the broker nothing (QoS 0, no PUBACKs; keep-alive 65535 s, no PINGREQ), so the counters
// move by the gateway alone. mosquitto publishes them every sys_interval (1 s here) when they
// changed. (Its $SYS/broker/publish/messages/received leaves retained PUBLISHes out — the
// status — so PUBLISHes are counted here, as the messages that arrive on `#`.)
class BrokerMeter {
 public:
  BrokerMeter(const test::TempDir& dir, int port)
      : sub_({"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(port), "-k", "65535", "-F",
              "%t %l %p", "-t", kBytes, "-t", kPackets, "-t", "#"},
             dir.file("meter.log")) {}

  // Records "TOPIC LENGTH PAYLOAD\n": the length keeps a zstd frame's bytes in one record.
  std::vector<MeterMessage> messages() const {
    const std::string log = sub_.log_text();
    std::vector<MeterMessage> out;
    for (std::size_t at = 0; at < log.size();) {
      const auto space = log.find(' ', at), space2 = log.find(' ', space + 1);
      if (space2 == std::string::npos) break;
      const std::size_t length = std::stoul(log.substr(space + 1, space2 - space - 1));
      if (space2 + 1 + length > log.size()) break;  // still being written
      out.push_back({log.substr(at, space - at), log.substr(space2 + 1, length)});
      at = space2 + 1 + length + 1;
    }
    return out;
  }
  // The last value published on a $SYS topic; -1 before the first.
  long last(const std::string& topic) const {
    long value = -1;
    for (const auto& m : messages())
      if (m.topic == topic) value = std::stol(m.payload);
    return value;
  }
  long publishes() const {
    long n = 0;
    for (const auto& m : messages()) n += m.topic.rfind("$SYS/", 0) != 0;
    return n;
  }
  // Readings in the plain telemetry (one "seq" key each).
  long telemetry_readings() const {
    long n = 0;
    for (const auto& m : messages())
      if (m.topic == kTelemetry)
        for (auto at = m.payload.find("\"seq\":"); at != std::string::npos;
             at = m.payload.find("\"seq\":", at + 1))
          n++;
    return n;
  }
  // MQTT bytes of the PUBLISHes that carry readings (…/telemetry, …/telemetry/zstd,
  // v1/gateway/telemetry, Sparkplug's DDATA): the rest of a session is CONNECT, SUBSCRIBE,
  // status, births, keep-alive.
  std::size_t telemetry_bytes() const {
    std::size_t n = 0;
    for (const auto& m : messages())
      if (m.topic.rfind("$SYS/", 0) != 0 && (m.topic.find("/telemetry") != std::string::npos ||
                                              m.topic.find("/DDATA/") != std::string::npos))
        n += bench::publish_packet_bytes(m.topic.size(), m.payload.size());
    return n;
  }
  void stop() { sub_.stop(); }

 private:
  test::Process sub_;
};

long count_rows(const std::string& db_path, const char* sql) {
  sqlite3* db = nullptr;
  long n = -1;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  if (n < 0) throw std::runtime_error("cannot count readings in " + db_path);
  return n;
}

// One configuration under test: its gateway, its broker, its meter.
struct Gateway {
  Gateway(const Setup& s, int modbus_port)
      : setup(s),
        dir("farmgate-bench-wire"),
        broker(dir.path(), 0, "sys_interval 1"),
        meter(dir, broker.port()) {
    bench::DemoGateway g{dir.path(), modbus_port, s.uplink, {}};
    g.uplink["url"] = broker.url();
    if (s.rbe) g.deadbands = kDeadbands;
    config = dir.write("farmgate.yaml", bench::demo_farmgate_yaml(g));
  }
  void start(const std::string& farmgate) {
    bytes0 = meter.last(kBytes);
    packets0 = meter.last(kPackets);
    daemon = std::make_unique<test::Process>(
        std::vector<std::string>{farmgate, "run", "-c", config}, dir.file("farmgate.log"));
  }

  Setup setup;
  test::TempDir dir;
  test::Broker broker;
  BrokerMeter meter;
  std::string config;
  std::unique_ptr<test::Process> daemon;
  long bytes0 = 0, packets0 = 0;
  // After the run:
  long bytes = 0, packets = 0, publishes = 0, handled = 0, taken = 0;
  double per_reading() const { return double(bytes) / double(handled); }
  double publishes_per_reading() const { return double(publishes) / double(handled); }
};

config::Config load(const std::string& path) {
  auto loaded = config::load(path);
  if (!loaded.config) throw std::runtime_error("the bench's config does not load: " + path);
  return *loaded.config;
}

}  // namespace

int main(int argc, char** argv) {
  // The 60 s configurations publish at 60, 120... s after connecting: the quick window ends
  // between the second batch and the third, the full one after the tenth.
  const double window = bench::quick(argc, argv) ? 130 : 610;
  const std::string farmgate = test::built_binary("farmgate");
  test::TempDir farm_dir("farmgate-bench-wire");
  test::Farmsim sim(farm_dir, bench::demo_farmsim_yaml(kFarmSpeed));

  std::vector<std::unique_ptr<Gateway>> gateways;
  for (const Setup& s : kSetups) gateways.push_back(std::make_unique<Gateway>(s, sim.tcp_port()));
  // Each meter's own CONNECT and SUBSCRIBE settle into its broker's counter first.
  if (!test::wait_until([&] {
        for (auto& g : gateways)
          if (g->meter.last(kBytes) <= 0) return false;
        return true;
      }))
    throw std::runtime_error("no $SYS counters from mosquitto");
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  for (auto& g : gateways) g->start(farmgate);
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(window));
  for (auto& g : gateways)
    if (!g->daemon->running()) {
      std::fprintf(stderr, "wire: %s: farmgate exited:\n%s\n", g->setup.name.c_str(),
                   g->daemon->log_text().c_str());
      return 1;
    }
  for (auto& g : gateways) g->daemon->stop();  // offline status, DISCONNECT: part of a session
  const double wall = bench::seconds_since(t0);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // two sys_intervals

  for (auto& g : gateways) {
    g->bytes = g->meter.last(kBytes) - g->bytes0;
    g->packets = g->meter.last(kPackets) - g->packets0;
    g->publishes = g->meter.publishes();
    const std::string db = g->dir.file("buffer.db");
    g->handled = count_rows(db, "SELECT count(*) FROM readings WHERE sent = 1");
    g->taken = count_rows(db, "SELECT count(*) FROM readings");
    std::fprintf(stderr,
                 "wire: %-15s %7ld bytes (telemetry PUBLISHes %zu), %4ld packets of which %4ld "
                 "PUBLISHes, %5ld readings handled of %5ld taken: %.2f B/reading\n",
                 g->setup.name.c_str(), g->bytes, g->meter.telemetry_bytes(), g->packets,
                 g->publishes, g->handled, g->taken, g->per_reading());
  }
  std::fprintf(stderr, "wire: %.1f s window, farmsim at %gx real time\n", wall, kFarmSpeed);

  std::map<std::string, Gateway*> by_name;
  for (auto& g : gateways) by_name[g->setup.name] = g.get();
  const Gateway& plain = *by_name.at("json_1s");
  const double baseline = plain.per_reading();
  for (auto& g : gateways)
    bench::report("wire_" + g->setup.name, g->per_reading(), "B/reading", baseline);

  // The other formats, on the plain gateway's readings (all it took, errors included).
  const auto readings = store::read_recorded(plain.dir.file("buffer.db"), 0, LLONG_MAX);
  const auto tb = bench::thingsboard_per_poll(load(by_name.at("thingsboard_1s")->config), readings);
  const auto telegraf = bench::telegraf_json(load(plain.config), readings);
  std::fprintf(stderr,
               "wire: on %zu readings: ThingsBoard per poll %zu messages, Telegraf JSON %zu\n",
               readings.size(), tb.messages, telegraf.messages);
  bench::report("wire_tb_gateway_per_poll", double(tb.bytes) / double(readings.size()), "B/reading",
                baseline);
  bench::report("wire_telegraf_json", double(telegraf.bytes) / double(readings.size()), "B/reading",
                baseline);

  // Report by exception: PUBLISHes (telemetry and status) per reading, without / with; and
  // every packet (CONNECT, SUBSCRIBE, PINGREQ, DISCONNECT too).
  for (const char* name : {"json_1s", "zstd_1s", "zstd_60s", "sparkplug_1s"}) {
    const Gateway& without = *by_name.at(name);
    const Gateway& with = *by_name.at(std::string(name) + "_rbe");
    std::fprintf(stderr,
                 "wire: %s: %.4f PUBLISHes a reading, with report by exception %.4f: %.1fx fewer "
                 "(all packets: %.1fx fewer)\n",
                 name, without.publishes_per_reading(), with.publishes_per_reading(),
                 without.publishes_per_reading() / with.publishes_per_reading(),
                 (double(without.packets) / double(without.handled)) /
                     (double(with.packets) / double(with.handled)));
  }
  const Gateway& rbe = *by_name.at("json_1s_rbe");
  const long rbe_sent = rbe.meter.telemetry_readings(),
             plain_sent = plain.meter.telemetry_readings();
  std::fprintf(stderr,
               "wire: readings on telemetry: %ld of %ld handled without, %ld of %ld with report by "
               "exception\n",
               plain_sent, plain.handled, rbe_sent, rbe.handled);
  // Baseline 1: without report by exception, by definition.
  bench::report("wire_rbe_message_cut", plain.publishes_per_reading() / rbe.publishes_per_reading(),
                "x", 1);
  const double reading_cut =
      (double(plain_sent) / double(plain.handled)) / (double(rbe_sent) / double(rbe.handled));
  bench::report("wire_rbe_reading_cut", reading_cut, "x", 1);

  for (auto& g : gateways) g->meter.stop();
  return 0;
}
