// A small farm for end-to-end tests of the built `farmgate`: a temp folder holding farmsim
// (units 1 and 2 over Modbus TCP, unit 3 over RTU on a socat pty pair), a mosquitto broker
// with persistence (so a probe with a kept session misses nothing across a broker restart),
// the generated gateway config and rules, and the SQLite buffer path.
//
// farmsim units: 1 = pond1_relay (coils 0 aerator, 1 feeder), 2 = pond1_do (holding 0:
// float32 DO in mg/L, holding 10..29: the `bulk` device's registers), 3 = water (holding 0:
// int16 temperature in 0.1 degC, over RTU).
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/tools/farmsim_fixture.h"

namespace farmgate::test {

inline constexpr const char* kGatewayId = "test-gw";
inline constexpr const char* kTopicBase = "farmgate/test-gw/";

// The pond's classic rule: aerate below 4 mg/L until above 6, the aerator on when in doubt.
inline constexpr const char* kAeratorRule = R"(rules:
  - name: aerate-low-oxygen
    when: pond1_do.do < 4.0
    until: pond1_do.do > 6.0
    set: { pond1_relay.aerator: on }
actuators:
  pond1_relay.aerator: { failsafe: on }
)";

struct FarmState {
  double dissolved_oxygen = 5.0;  // unit 2 holding 0 (float32)
  bool aerator = false;           // unit 1 coil 0
  int temperature_raw = 215;      // unit 3 holding 0 (21.5 degC)
};

struct GatewayOptions {
  bool uplink = true;
  std::string poll = "200ms";          // every device's poll
  std::string do_stale_after = "1s";   // pond1_do
  std::string max_size = "256MiB";
  int max_batch = 500;
  std::string rules_yaml;              // content of rules.yaml (empty: no rules)
  std::string extra_points;            // more lines under pond1_do's points (6 spaces indent)
  std::string extra_devices;           // more entries under devices: (2 spaces indent)
  std::string storage_path;            // storage.path; empty: db_path()
  std::string profile;                 // uplink.profile; empty: not written (farmgate)
  std::vector<std::string> more_brokers;  // uplink.url: the site's broker, then these
};

class Site {
 public:
  explicit Site(const FarmState& farm = FarmState{});

  const TempDir& dir() const { return dir_; }
  Farmsim& sim() { return *sim_; }
  Broker& broker() { return *broker_; }
  std::string config_path() const { return dir_.file("farmgate.yaml"); }
  std::string db_path() const { return dir_.file("buffer.db"); }
  std::string log_path() const { return dir_.file("farmgate.log"); }

  // Writes farmgate.yaml (and rules.yaml) for this site; returns the config path.
  std::string write_config(const GatewayOptions& options) const;
  // `farmgate run -c farmgate.yaml EXTRA...`, its output appended to farmgate.log.
  std::unique_ptr<Process> start_daemon(const std::vector<std::string>& extra = {}) const;
  // farmsim control channel; REQUIREs an `ok` reply and returns it.
  std::string control(const std::string& line);
  bool coil(int unit, int address);
  void stop_sim() { sim_.reset(); }

 private:
  TempDir dir_;
  PtyPair pty_;
  std::unique_ptr<Farmsim> sim_;
  std::unique_ptr<Broker> broker_;
};

// SIGTERM and wait (up to 10 s: a clean stop may wait for the broker); the exit code, -1
// when it did not exit.
int terminate(Process& daemon);

// The buffer's facts, read with the SQLite API while no daemon runs.
std::string integrity_check(const std::string& db_path);  // "ok" when healthy
std::int64_t max_reading_seq(const std::string& db_path);  // 0 when none
// The lowest seq still in the buffer (a fresh buffer numbers above the wall clock, spec §7).
std::int64_t first_reading_seq(const std::string& db_path);
// Unsent readings with seq <= up_to.
std::int64_t unsent_readings(const std::string& db_path, std::int64_t up_to);
// Seqs of the readings recorded with from_ms <= ts_ms < to_ms.
std::set<std::int64_t> seqs_between(const std::string& db_path, std::int64_t from_ms,
                                    std::int64_t to_ms);
// meta.dropped, read (read-only) while the daemon may be running.
std::int64_t dropped_readings(const std::string& db_path);

// "POINT@TS" of every reading with a value (quality good or bad) and seq <= up_to: what
// profile thingsboard sends of them (it has no seq and leaves error readings out).
std::set<std::string> valued_readings(const std::string& db_path, std::int64_t up_to);

// True when `seqs` is exactly {first..last} for its own first and last.
bool contiguous(const std::set<std::int64_t>& seqs);

}  // namespace farmgate::test
