// `farmgate check -c FILE` (spec §2, §3): a valid setup prints a summary a technician can read
// (exit 0); every mistake comes back as FILE:LINE:COL on stderr, all at once (exit 2).
#include <catch2/catch.hpp>

#include "tests/cli/cli_fixture.h"

using namespace farmgate::test;

namespace {

const char* kPond = R"(gateway: { id: dz-qx-pond-01, site: "Quxian / Pond 1", timezone: Asia/Shanghai }
storage: { path: /var/lib/farmgate/buffer.db }
uplink: { url: "mqtt://127.0.0.1:1883" }
buses:
  - name: rs485-1
    rtu: { device: /dev/ttyUSB0, baud: 9600 }
    timeout: 500ms
    gap: 20ms
    retries: 1
  - name: pond-plc
    tcp: { host: 192.168.1.50, port: 502 }
    timeout: 1s
devices:
  - name: pond1_do
    bus: rs485-1
    unit: 2
    poll: 10s
    points:
      - { name: do, table: holding, address: 0, type: float32, unit: mg/L, valid: [0, 25] }
      - { name: temp, table: holding, address: 2, type: int16, scale: 0.1, unit: °C }
  - name: pond1_relay
    bus: rs485-1
    unit: 1
    poll: 2s
    points:
      - { name: aerator, table: coil, address: 0, writable: true }
      - { name: feeder, table: coil, address: 1, writable: true }
  - name: plc
    bus: pond-plc
    unit: 1
    poll: 1s
    points:
      - { name: level, table: input, address: 0x10, type: int32, order: CDAB, scale: 0.01, offset: -5, unit: m }
)";

const char* kPondRules = R"(rules:
  - name: aerate-low-oxygen
    when: pond1_do.do < 4.0 for 2m
    until: pond1_do.do > 6.0
    set: { pond1_relay.aerator: on }
    priority: 10
  - name: feed
    at: ["07:00", "17:30"]
    for: 90s
    unless: pond1_do.do < 3.5
    set: { pond1_relay.feeder: on }
actuators:
  pond1_relay.aerator: { failsafe: on, min_on: 5m, min_off: 1m }
alarms:
  - name: oxygen-critical
    when: pond1_do.do < 3.0 for 1m
    severity: critical
    message: "Pond 1 oxygen {pond1_do.do} mg/L"
)";

}  // namespace

TEST_CASE("check of a valid setup prints the summary and exits 0", "[cli][check]") {
  TempDir dir("cli");
  const auto cfg = dir.write("farmgate.yaml", kPond);
  const auto rules = dir.write("rules.d/pond.yaml", kPondRules);
  CliRun r = run_farmgate(dir, {"check", "-c", cfg});
  CHECK(r.err == "");
  CHECK(r.code == 0);
  // RTU line time at 9600 8N1 (1041 µs a character): pond1_do reads holding 0-2 in one
  // transaction, 8 + 11 bytes + 3.5 characters of silence + the 20 ms gap = 43.4 ms every 10 s;
  // the relay board reads coils 0-1, 8 + 6 bytes + 3.5 characters + 20 ms = 38.2 ms every 2 s;
  // together 0.43% + 1.91% = 2.3% of the line.
  CHECK(r.out == cfg + R"(: valid
gateway dz-qx-pond-01 "Quxian / Pond 1", timezone Asia/Shanghai
2 buses, 3 devices, 5 points, 1 actuator, 2 rules, 1 alarm
buffer /var/lib/farmgate/buffer.db, max 256 MiB, commit every 1s, keep sent 7d
uplink mqtt://127.0.0.1:1883, topics farmgate/dz-qx-pond-01/...

bus rs485-1: rtu /dev/ttyUSB0 9600 baud 8N1, timeout 500ms, gap 20ms, retries 1
  pond1_do     unit 2  poll 10s  2 points  1 read per poll  43.4 ms of line time per poll
      do       holding  0x0000  float32  ABCD        mg/L  valid 0..25
      temp     holding  0x0002  int16          x0.1  °C
  pond1_relay  unit 1  poll 2s   2 points  1 read per poll  38.2 ms of line time per poll
      aerator  coil     0x0000  bool                                    writable
      feeder   coil     0x0001  bool                                    writable
  line busy 2.3% of the time at these poll rates

bus pond-plc: tcp 192.168.1.50:502, timeout 1s, retries 1
  plc  unit 1  poll 1s  1 point  1 read per poll
      level  input  0x0010  int32  CDAB  x0.01 -5  m

actuators
  pond1_relay.aerator  failsafe on  min_on 5m, min_off 1m

rules
  aerate-low-oxygen  priority 10  sets pond1_relay.aerator=on  ()" +
                    rules + R"(:2)
  feed               priority 0   sets pond1_relay.feeder=on   ()" +
                    rules + R"(:7)

alarms
  oxygen-critical  critical  ()" + rules + R"(:15)
)");
}

TEST_CASE("check warns of a line too busy for its poll rates, still exit 0", "[cli][check]") {
  TempDir dir("cli");
  std::string yaml = R"(gateway: { id: gw }
buses: [{ name: slow, rtu: { device: /dev/ttyUSB0, baud: 1200 } }]
devices:
)";
  for (int unit = 1; unit <= 4; ++unit)
    yaml += "  - { name: probe" + std::to_string(unit) + ", bus: slow, unit: " +
            std::to_string(unit) +
            ", poll: 250ms, points: [{ name: x, table: holding, address: 0, type: float64 }] }\n";
  const auto cfg = dir.write("farmgate.yaml", yaml);
  CliRun r = run_farmgate(dir, {"check", "-c", cfg});
  CHECK(r.code == 0);
  // 1200 baud: 8.3 ms a character; 8 + 13 bytes + 3.5 characters of silence before the reply
  // + the gap after it (3.5 characters, rounded up by the loader to 30ms) = 234.2 ms a poll,
  // four probes every 250 ms.
  CHECK(r.out.find("  probe1  unit 1  poll 250ms  1 point  1 read per poll  234.2 ms of line "
                   "time per poll\n") != std::string::npos);
  CHECK(r.out.find("  line busy 374.7% of the time at these poll rates: too busy, lengthen "
                   "polls or raise the baud\n") != std::string::npos);
}

TEST_CASE("check of an invalid config lists every error with its position, exit 2",
          "[cli][check]") {
  TempDir dir("cli");
  const auto cfg = dir.write("farmgate.yaml", R"(gateway: { id: Pond 1 }
buses:
  - name: rs485
    rtu: { device: /dev/ttyUSB0, baud: 9601 }
    timout: 500ms
devices:
  - name: probe
    bus: rs458
    unit: 0
    points:
      - { name: do, table: holding, address: 010, type: float32 }
)");
  CliRun r = run_farmgate(dir, {"check", "-c", cfg});
  CHECK(r.code == 2);
  CHECK(r.out == "");
  CHECK(r.err ==
        cfg + ":1:16: error: bad gateway id 'Pond 1': use lower-case letters, digits, '_' and "
              "'-' only (it appears in MQTT topics)\n" +
        echo("gateway: { id: Pond 1 }", 16) +
        cfg + ":4:40: error: unsupported baud 9601: expected 1200, 2400, 4800, 9600, 19200, "
              "38400, 57600 or 115200\n" +
        echo("    rtu: { device: /dev/ttyUSB0, baud: 9601 }", 40) +
        cfg + ":5:5: error: unknown key 'timout' (did you mean 'timeout'?)\n" +
        echo("    timout: 500ms", 5) + cfg + ":8:10: error: unknown bus 'rs458' (did you mean 'rs485'?)\n" + echo("    bus: rs458", 10) +
        cfg + ":9:11: error: unit 0 is not a Modbus unit id: use 1-247\n" + echo("    unit: 0", 11) +
        cfg + ":11:46: error: address '010' has a leading zero: write 10 (decimal) or 0x10 "
              "(hex)\n" +
        echo("      - { name: do, table: holding, address: 010, type: float32 }", 46) +
        cfg + ": invalid\n");
}

namespace {

const char* kRelay = R"(gateway: { id: gw }
buses: [{ name: rs485, rtu: { device: /dev/ttyUSB0 } }]
devices:
  - name: relay
    bus: rs485
    unit: 255
    points: [{ name: r1, table: coil, address: 0, writable: true }]
)";

}  // namespace

TEST_CASE("check of a rule file with an expression error points at the column, exit 2",
          "[cli][check]") {
  TempDir dir("cli");
  const auto cfg = dir.write("farmgate.yaml", kRelay);
  const auto rules = dir.write("rules.d/relay.yaml", R"(rules:
  - name: r1
    when: relay.r1 == on and and relay.r1
    set: { relay.r1: off }
)");
  CliRun r = run_farmgate(dir, {"check", "-c", cfg});
  CHECK(r.code == 2);
  CHECK(r.out == "");
  CHECK(r.err == cfg + ":6:11: warning: unit 255 is reserved by the Modbus spec (1-247); some "
                       "boards use it\n" +
                     echo("    unit: 255", 11) +
                     rules + ":3:30: error: in `when`: unknown name 'and' (a point is written "
                             "DEVICE.POINT)\n" +
                     echo("    when: relay.r1 == on and and relay.r1", 30) + cfg + ": invalid\n");
}

TEST_CASE("check prints warnings yet exits 0 when there is no error", "[cli][check]") {
  TempDir dir("cli");
  const auto cfg = dir.write("farmgate.yaml", kRelay);
  CliRun r = run_farmgate(dir, {"check", "-c", cfg});
  CHECK(r.code == 0);
  CHECK(r.err == cfg + ":6:11: warning: unit 255 is reserved by the Modbus spec (1-247); some "
                       "boards use it\n" +
                     echo("    unit: 255", 11));
  CHECK(r.out.rfind(cfg + ": valid\n", 0) == 0);
  CHECK(r.out.find("  relay  unit 255  poll 10s  1 point  1 read per poll") != std::string::npos);
}

TEST_CASE("check of the shipped default config says there are no devices yet and what next",
          "[cli][check]") {
  TempDir dir("cli");
  const std::string cfg = std::string(FARMGATE_SOURCE_DIR) + "/systemd/farmgate.yaml";
  CliRun r = run_farmgate(dir, {"check", "-c", cfg});
  CHECK(r.err == "");
  CHECK(r.code == 0);
  CHECK(r.out.find("\nno devices yet. Next:\n  1. add your buses and devices to " + cfg) !=
        std::string::npos);
  CHECK(r.out.find("farmgate scan -c " + cfg + " --bus NAME\n") != std::string::npos);
}

TEST_CASE("check echoes the offending line with a caret under the column", "[cli][check]") {
  TempDir dir("cli");
  const auto cfg = dir.write("farmgate.yaml", "gateway:\n  id: gw-1\n\tsite: pond\n");
  CliRun r = run_farmgate(dir, {"check", "-c", cfg});
  CHECK(r.code == 2);
  CHECK(r.err == cfg + ":3:1: error: tab character: use spaces to indent\n"
                       "\tsite: pond\n"
                       "^\n" +
                     cfg + ": invalid\n");
}

TEST_CASE("check points a missing colon at its own line, not the next", "[cli][check]") {
  TempDir dir("cli");
  const auto cfg = dir.write("farmgate.yaml", "gateway:\n  id gw-1\n  site: pond\n");
  CliRun r = run_farmgate(dir, {"check", "-c", cfg});
  CHECK(r.code == 2);
  CHECK(r.err == cfg + ":2:5: error: missing ':' after 'id' (a key is written `key: value`)\n"
                       "  id gw-1\n"
                       "    ^\n" +
                     cfg + ": invalid\n");
}

TEST_CASE("verbose: -v is taken after the subcommand too", "[cli][usage]") {
  TempDir dir("cli");
  const auto cfg = dir.write("farmgate.yaml", kRelay);
  CHECK(run_farmgate(dir, {"check", "-c", cfg, "-v"}).code == 0);
  CHECK(run_farmgate(dir, {"-v", "check", "-c", cfg}).code == 0);
}

TEST_CASE("run with an invalid config logs each error once, without a doubled prefix",
          "[cli][run]") {
  TempDir dir("cli");
  const auto cfg = dir.write("farmgate.yaml", "gateway: { id: Pond 1 }\n");
  CliRun r = run_farmgate(dir, {"run", "-c", cfg});
  CHECK(r.code == 2);
  CHECK(r.err == "error: " + cfg + ":1:16: bad gateway id 'Pond 1': use lower-case letters, "
                                   "digits, '_' and '-' only (it appears in MQTT topics)\n"
                                   "error: " + cfg + ": invalid, not starting\n");
}
