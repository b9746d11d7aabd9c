// A virtual farm for engine scenarios: sensors polled at their device's rate, relays that
// take (or refuse) writes, one engine tick per virtual second. No real time passes.
#pragma once

#include <ctime>
#include <functional>
#include <cmath>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "rules/engine.h"
#include "rules/rule_file.h"
#include "tests/rules/fixture.h"

namespace farmgate::rules::fixture {

// "2026-06-01 06:58" (UTC) -> epoch ms.
inline std::int64_t utc_ms(const char* text) {
  std::tm tm{};
  // No REQUIRE here: called during static initialisation too.
  if (std::sscanf(text, "%d-%d-%d %d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min) != 5)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

inline RuleSet rules_from(const std::string& yaml, const config::Config& cfg) {
  auto r = parse_rule_text(yaml, "scenario.yaml", cfg);
  for (const auto& d : r.diagnostics.all()) UNSCOPED_INFO(d.str());
  REQUIRE(r.rules);
  return *r.rules;
}

struct Change {
  int t;            // virtual seconds since start
  std::string point;
  double value;
  std::string reason;
};

class Sim {
 public:
  // `relays`: the actual state of actuators at start (read before the engine drives them).
  Sim(const std::string& rules_yaml, std::int64_t wall_start, std::map<std::string, double> relays = {},
      EngineOptions options = {})
      : cfg_(farm()), wall0_(wall_start) {
    relay = std::move(relays);
    engine_.emplace(cfg_, rules_from(rules_yaml, cfg_), now(), options);
    for (const auto& [p, v] : relay) engine_->on_actuator_state(p, v, now());
  }

  Engine& engine() { return *engine_; }
  // A reload now (SIGHUP): a new engine from `rules_yaml` and `config` (unchanged when not
  // given) takes over the running one's state. Returns import_state's notes.
  std::vector<std::string> reload(const std::string& rules_yaml,
                                  std::optional<config::Config> config = std::nullopt,
                                  EngineOptions options = {}) {
    EngineState carried = engine_->export_state();
    if (config) cfg_ = std::move(*config);
    engine_.emplace(cfg_, rules_from(rules_yaml, cfg_), now(), options);
    return engine_->import_state(carried, now());
  }
  SteadyTime now() const { return SteadyTime{} + std::chrono::hours(1) + std::chrono::seconds(t); }
  std::int64_t wall() const { return wall0_ + t * 1000LL; }

  // Runs `seconds` virtual seconds: readings at each device's poll, then a tick, then writes.
  void run(int seconds) {
    for (int i = 0; i < seconds; ++i) {
      ++t;
      poll();
      Decisions d = engine_->tick(now(), wall());
      events.insert(events.end(), d.events.begin(), d.events.end());
      for (const auto& w : d.writes) write(w);
      check_exclusive();
    }
  }
  void run_until(int second) { run(second - t); }

  double state(const std::string& point) const { return relay.count(point) ? relay.at(point) : -1; }
  std::vector<Change> changes_of(const std::string& point) const {
    std::vector<Change> out;
    for (const auto& c : changes)
      if (c.point == point) out.push_back(c);
    return out;
  }
  std::vector<Event> events_of(const std::string& type) const {
    std::vector<Event> out;
    for (const auto& e : events)
      if (e.type == type) out.push_back(e);
    return out;
  }

  int t = 0;
  // Sensor values: absent/nullopt = the read fails (error); NaN = a bad reading.
  std::map<std::string, std::optional<double>> sensor;
  std::map<std::string, double> relay;
  std::set<std::string> stuck;       // relays that ignore writes (read back unchanged)
  std::set<std::string> polled;      // relays whose state is read at their device's poll
  std::vector<std::pair<std::string, std::string>> exclusive;  // pairs never on together
  std::vector<Change> changes;
  std::vector<Event> events;
  std::vector<Write> writes;

 private:
  void poll() {
    for (const auto& d : cfg_.devices) {
      if ((t * 1000) % d.poll.count() != 0) continue;
      for (const auto& p : d.points) {
        if (polled.count(p.id) && relay.count(p.id)) {
          Reading r;
          r.point = p.id;
          r.ts_ms = wall();
          r.quality = Quality::good;
          r.value = relay[p.id];
          r.boolean = p.type == config::ValueType::boolean;
          engine_->on_reading(r, now());
          continue;
        }
        auto it = sensor.find(p.id);
        if (it == sensor.end()) continue;
        Reading r;
        r.point = p.id;
        r.ts_ms = wall();
        if (!it->second) {
          r.quality = Quality::error;
        } else if (std::isnan(*it->second)) {
          r.quality = Quality::bad;
          r.value = *it->second;
        } else {
          r.quality = Quality::good;
          r.value = *it->second;
        }
        engine_->on_reading(r, now());
      }
    }
  }
  void write(const Write& w) {
    writes.push_back(w);
    bool is_change = !relay.count(w.point) || relay[w.point] != w.value;
    if (!stuck.count(w.point)) relay[w.point] = w.value;
    double rb = relay.count(w.point) ? relay[w.point] : 0;
    auto faults = engine_->on_write_result(w.point, true, rb, now(), wall());
    events.insert(events.end(), faults.begin(), faults.end());
    if (is_change || w.reason != last_reason_[w.point]) changes.push_back({t, w.point, w.value, w.reason});
    last_reason_[w.point] = w.reason;
  }
  void check_exclusive() {
    for (const auto& [a, b] : exclusive) {
      INFO("t=" << t << " " << a << " and " << b);
      CHECK_FALSE((state(a) == 1 && state(b) == 1));
    }
  }

  config::Config cfg_;
  std::int64_t wall0_;
  std::optional<Engine> engine_;
  std::map<std::string, std::string> last_reason_;
};

// The points and the moment most cases use: a summer night (UTC), the pond's aerator.
inline const std::int64_t kNight = utc_ms("2026-06-01 01:00");
inline const std::string kAerator = "pond1_relay.aerator";
inline const std::string kFeeder = "pond1_relay.feeder";
inline const std::string kDo = "pond1_do.do";

}  // namespace farmgate::rules::fixture
