#include "tests/daemon/site.h"

#include <signal.h>
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <stdexcept>

namespace farmgate::test {
namespace {

std::string farmsim_yaml(const std::string& pty, const FarmState& farm) {
  std::ostringstream y;
  y << "control: { port: auto }\n"
    << "servers:\n"
    << "  - tcp: { host: 127.0.0.1, port: 0 }\n"
    << "    units: [1, 2]\n"
    << "  - rtu: { device: " << pty << ", baud: 9600, parity: none }\n"
    << "    units: [3]\n"
    << "units:\n"
    << "  1: { coil: { 0: " << (farm.aerator ? "true" : "false") << ", 1: false } }\n"
    << "  2: { holding: { 0: { float32: " << farm.dissolved_oxygen << " }, 10: [";
  for (int i = 0; i < 20; ++i) y << (i ? ", " : "") << 100 + i;
  y << "] } }\n"
    << "  3: { holding: { 0: " << farm.temperature_raw << " } }\n";
  return y.str();
}

struct Db {
  explicit Db(const std::string& path, int flags = SQLITE_OPEN_READWRITE) {
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK)
      throw std::runtime_error("cannot open " + path);
    sqlite3_busy_timeout(db, 5000);
  }
  ~Db() { sqlite3_close(db); }
  std::string text(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK)
      return std::string("error: ") + sqlite3_errmsg(db);
    std::string out;
    while (sqlite3_step(s) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(s, 0);
      if (!out.empty()) out += "\n";
      out += t ? reinterpret_cast<const char*>(t) : "";
    }
    sqlite3_finalize(s);
    return out;
  }
  std::int64_t number(const char* sql) {
    std::string t = text(sql);
    return t.empty() ? 0 : std::stoll(t);
  }
  sqlite3* db = nullptr;
};

}  // namespace

Site::Site(const FarmState& farm) : pty_(dir_.path(), "rs485") {
  sim_ = std::make_unique<Farmsim>(dir_, farmsim_yaml(pty_.b(), farm));
  broker_ = std::make_unique<Broker>(
      dir_.path(), 0,
      "persistence true\npersistence_location " + dir_.path() + "/\nmax_queued_messages 0\n");
}

std::string Site::write_config(const GatewayOptions& o) const {
  // No rules is `rules: []`: an empty rule file is refused (it is what a half-saved one looks like).
  dir_.write("rules.yaml", o.rules_yaml.empty() ? "rules: []\n" : o.rules_yaml);
  std::ostringstream y;
  y << "gateway:\n  id: " << kGatewayId << "\n  site: \"Test pond\"\n  timezone: UTC\n"
    << "rules: [rules.yaml]\n"
    << "storage:\n  path: " << (o.storage_path.empty() ? db_path() : o.storage_path)
    << "\n  max_size: " << o.max_size
    << "\n  commit_interval: 200ms\n  keep_sent: 7d\n";
  // One broker as a plain url, several as a list (spec §8 "Several brokers").
  std::string url = broker_->url();
  if (!o.more_brokers.empty()) {
    url = "[" + url;
    for (const auto& more : o.more_brokers) url += ", " + more;
    url += "]";
  }
  if (o.uplink)
    y << "uplink:\n" << (o.profile.empty() ? "" : "  profile: " + o.profile + "\n")
      << (o.profile == "sparkplug" ? "  group: ponds\n" : "")  // the group it requires
      << "  url: " << url
      << "\n  topic_prefix: farmgate\n  max_batch: " << o.max_batch
      << "\n  publish_interval: 200ms\n  status_interval: 500ms\n";
  y << "buses:\n"
    << "  - name: plc\n    tcp: { host: 127.0.0.1, port: " << sim_->tcp_port() << " }\n"
    << "    timeout: 300ms\n    retries: 0\n"
    << "  - name: rs485\n    rtu: { device: " << pty_.a()
    << ", baud: 9600, parity: none, data_bits: 8, stop_bits: 1 }\n"
    << "    timeout: 300ms\n    retries: 0\n"
    << "devices:\n"
    << "  - name: pond1_do\n    bus: plc\n    unit: 2\n    poll: " << o.poll
    << "\n    stale_after: " << o.do_stale_after << "\n    points:\n"
    << "      - { name: do, table: holding, address: 0, type: float32, unit: mg/L, valid: [0, 25] }\n"
    << o.extra_points
    << "  - name: pond1_relay\n    bus: plc\n    unit: 1\n    poll: " << o.poll << "\n    points:\n"
    << "      - { name: aerator, table: coil, address: 0, writable: true }\n"
    << "      - { name: feeder, table: coil, address: 1, writable: true }\n"
    << "  - name: water\n    bus: rs485\n    unit: 3\n    poll: " << o.poll << "\n    points:\n"
    << "      - { name: temp, table: holding, address: 0, type: int16, scale: 0.1, unit: degC }\n"
    << o.extra_devices;
  return dir_.write("farmgate.yaml", y.str());
}

std::unique_ptr<Process> Site::start_daemon(const std::vector<std::string>& extra) const {
  std::vector<std::string> argv{built_binary("farmgate"), "run", "-c", config_path()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<Process>(argv, log_path());
}

std::string Site::control(const std::string& line) {
  std::string reply = sim_->command(line);
  INFO("farmsim control: " << line);
  REQUIRE(reply.rfind("ok", 0) == 0);
  return reply;
}

bool Site::coil(int unit, int address) {
  return control("get " + std::to_string(unit) + " coil " + std::to_string(address)) == "ok 1";
}

int terminate(Process& daemon) {
  daemon.signal(SIGTERM);
  return daemon.wait(std::chrono::seconds(10));
}

std::string integrity_check(const std::string& db_path) {
  return Db(db_path).text("PRAGMA integrity_check");
}

std::int64_t max_reading_seq(const std::string& db_path) {
  return Db(db_path).number("SELECT coalesce(max(seq), 0) FROM readings");
}

std::int64_t first_reading_seq(const std::string& db_path) {
  return Db(db_path, SQLITE_OPEN_READONLY).number("SELECT coalesce(min(seq), 0) FROM readings");
}

std::int64_t unsent_readings(const std::string& db_path, std::int64_t up_to) {
  std::string sql = "SELECT count(*) FROM readings WHERE sent = 0 AND seq <= " + std::to_string(up_to);
  return Db(db_path).number(sql.c_str());
}

std::set<std::int64_t> seqs_between(const std::string& db_path, std::int64_t from_ms,
                                    std::int64_t to_ms) {
  std::string sql = "SELECT seq FROM readings WHERE ts_ms >= " + std::to_string(from_ms) +
                    " AND ts_ms < " + std::to_string(to_ms);
  std::set<std::int64_t> out;
  std::istringstream lines(Db(db_path).text(sql.c_str()));
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) out.insert(std::stoll(line));
  return out;
}

std::int64_t dropped_readings(const std::string& db_path) {
  return Db(db_path, SQLITE_OPEN_READONLY).number("SELECT value FROM meta WHERE key = 'dropped'");
}

std::set<std::string> valued_readings(const std::string& db_path, std::int64_t up_to) {
  const std::string sql =
      "SELECT p.name || '@' || r.ts_ms FROM readings r JOIN points p ON p.id = r.point "
      "WHERE r.quality != 2 AND r.seq <= " + std::to_string(up_to);
  std::set<std::string> out;
  std::istringstream lines(Db(db_path, SQLITE_OPEN_READONLY).text(sql.c_str()));
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) out.insert(line);
  return out;
}

bool contiguous(const std::set<std::int64_t>& seqs) {
  return !seqs.empty() &&
         *seqs.rbegin() - *seqs.begin() + 1 == static_cast<std::int64_t>(seqs.size());
}

}  // namespace farmgate::test
