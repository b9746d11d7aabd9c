// Figure 6, reaction in process: a reading arrives -> the engine decides the actuator write.
// 50 ponds (a DO probe and an aerator relay each, one hysteresis-free rule per pond) are
// loaded through the real config loader and rule parser; each step feeds one pond's DO
// reading across the threshold and times on_reading + tick until Decisions.writes holds the
// write (every step must produce exactly one). Baseline: the bare comparison of the same
// value against the threshold, appended to a vector, timed the same way.
#include <cstdio>
#include <stdexcept>

#include "bench/report.h"
#include "config/loader.h"
#include "rules/engine.h"
#include "rules/rule_file.h"
#include "tests/support/temp_dir.h"

using namespace farmgate;

int main(int argc, char** argv) {
  const int steps = bench::quick(argc, argv) ? 20000 : 100000;
  constexpr int kPonds = 50;
  test::TempDir dir("farmgate-bench");
  std::string yaml = "gateway: { id: bench }\nstorage: { path: " + dir.file("b.db") +
                     " }\nrules: [rules.yaml]\nbuses:\n  - { name: tcp, tcp: { host: 127.0.0.1, port: 1502 } }\n"
                     "devices:\n";
  std::string rules = "rules:\n";
  for (int i = 0; i < kPonds; ++i) {
    const std::string p = "pond" + std::to_string(i);
    yaml += "  - name: " + p + "\n    bus: tcp\n    unit: " + std::to_string(i + 1) +
            "\n    poll: 10s\n    points:\n"
            "      - { name: do, table: input, address: 0, scale: 0.01 }\n"
            "      - { name: aerator, table: coil, address: 0, writable: true }\n";
    rules += "  - { name: aerate-" + p + ", when: \"" + p + ".do < 4.0\", set: { " + p +
             ".aerator: on } }\n";
  }
  dir.write("rules.yaml", rules);
  auto loaded = config::load(dir.write("farmgate.yaml", yaml));
  if (!loaded.config) {
    for (const auto& d : loaded.diagnostics.all()) std::fprintf(stderr, "%s\n", d.str().c_str());
    return 1;
  }
  const config::Config& cfg = *loaded.config;
  auto rs = rules::load_rule_files(cfg.rule_files, cfg);
  if (!rs.rules) {
    for (const auto& d : rs.diagnostics.all()) std::fprintf(stderr, "%s\n", d.str().c_str());
    return 1;
  }

  SteadyTime now = std::chrono::steady_clock::now();
  std::int64_t wall = 1764000000000;
  rules::Engine engine(cfg, *rs.rules, now);
  for (int i = 0; i < kPonds; ++i) {
    engine.on_actuator_state("pond" + std::to_string(i) + ".aerator", 0, now);
    Reading r{"pond" + std::to_string(i) + ".do", wall, 6.0, false, "mg/L", Quality::good, ""};
    engine.on_reading(r, now);
  }
  engine.tick(now, wall);

  std::vector<double> fg_us, bare_us;
  fg_us.reserve(steps);
  bare_us.reserve(steps);
  std::vector<rules::Write> bare_writes;
  bare_writes.reserve(4);
  long writes = 0;
  for (int s = 0; s < steps; ++s) {
    now += std::chrono::milliseconds(100);
    wall += 100;
    const int pond = s % kPonds;
    const bool low = (s / kPonds) % 2 == 0;  // every pond alternates low, high, low...
    Reading r{"pond" + std::to_string(pond) + ".do", wall, low ? 3.0 : 6.0, false, "mg/L",
              Quality::good, ""};
    auto t0 = std::chrono::steady_clock::now();
    engine.on_reading(r, now);
    rules::Decisions d = engine.tick(now, wall);
    auto t1 = std::chrono::steady_clock::now();
    fg_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    for (const auto& w : d.writes) {
      ++writes;
      engine.on_write_result(w.point, true, w.value, now, wall);
    }

    auto b0 = std::chrono::steady_clock::now();
    bare_writes.clear();
    if (*r.value < 4.0) bare_writes.push_back({"pond.aerator", 1, "rule"});
    else bare_writes.push_back({"pond.aerator", 0, "default"});
    auto b1 = std::chrono::steady_clock::now();
    bare_us.push_back(std::chrono::duration<double, std::micro>(b1 - b0).count());
  }
  if (writes != steps)
    std::fprintf(stderr, "rules: expected %d writes, got %ld (stale points?)\n", steps, writes);
  const double p50 = bench::quantile(fg_us, 0.5), p99 = bench::quantile(fg_us, 0.99);
  const double b50 = bench::quantile(bare_us, 0.5), b99 = bench::quantile(bare_us, 0.99);
  bench::report("reaction_p50", p50, "us", b50);
  bench::report("reaction_p99", p99, "us", b99);
  return 0;
}
