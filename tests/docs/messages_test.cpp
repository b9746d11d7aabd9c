// docs/mqtt.md promises the platform's engineers a JSON Schema for every payload. These tests
// hold the schemas to what the real system sends: farmgate run (the built binary) against
// farmsim over Modbus TCP and a real mosquitto, with a rule and an alarm that fire, a silent
// unit (error readings, a device fault), an out-of-range value (bad readings), commands good
// and bad, and a reload rejected then accepted. Every message on farmgate/gw-docs/# is
// validated by tests/docs/validate.py with Debian's python3-jsonschema.
#include <csignal>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/text.h"
#include "tests/tools/farmsim_fixture.h"
#include "tests/uplink/probe.h"

namespace farmgate::test {
namespace {

const std::string kSchemas = std::string(FARMGATE_SOURCE_DIR) + "/docs/schemas";
const std::string kValidate = std::string(FARMGATE_SOURCE_DIR) + "/tests/docs/validate.py";
const std::string kBase = "farmgate/gw-docs/";

// Unit 1: a relay board (two coils). Unit 2: a DO probe (float32 DO at 0, temperature at 2,
// which reads 99: outside `valid`). Unit 3 is configured in farmgate but absent here: silent.
const char* kFarmsim = R"(control: { port: auto }
servers:
  - tcp: { host: 127.0.0.1, port: 0 }
    units: [1, 2]
units:
  1: { coil: { 0: false, 1: false } }
  2: { holding: { 0: { float32: 3.0 }, 2: { float32: 99.0 } } }
)";

std::string main_config(int broker_port, int modbus_port) {
  return R"(gateway: { id: gw-docs, site: "docs test", timezone: UTC }
rules: [rules.yaml]
storage: { path: buffer.db, commit_interval: 100ms }
uplink:
  url: mqtt://127.0.0.1:)" +
         std::to_string(broker_port) + R"(
  publish_interval: 100ms
  status_interval: 1s
buses:
  - name: sim
    tcp: { host: 127.0.0.1, port: )" +
         std::to_string(modbus_port) + R"( }
    timeout: 200ms
    retries: 0
devices:
  - name: pond1_do
    bus: sim
    unit: 2
    poll: 200ms
    points:
      - { name: do, address: 0, type: float32, unit: mg/L, valid: [0, 25] }
      - { name: temp, address: 2, type: float32, unit: C, valid: [0, 40] }
  - name: pond1_relay
    bus: sim
    unit: 1
    poll: 500ms
    points:
      - { name: aerator, table: coil, address: 0, writable: true }
      - { name: feeder, table: coil, address: 1, writable: true }
  - name: pond2_do
    bus: sim
    unit: 3
    poll: 1s
    points:
      - { name: do, address: 0, type: float32, unit: mg/L }
)";
}

const char* kRules = R"(rules:
  - name: aerate-low-oxygen
    when: pond1_do.do < 4.0
    until: pond1_do.do > 6.0
    set: { pond1_relay.aerator: on }
actuators:
  pond1_relay.aerator: { failsafe: on }
alarms:
  - name: oxygen-critical
    when: pond1_do.do < 3.5
    severity: critical
    message: "Pond 1 oxygen {pond1_do.do} mg/L"
)";

// Which schema a topic's payloads follow.
std::string schema_of(const std::string& topic) {
  if (ends_with(topic, "/telemetry")) return "telemetry";
  if (ends_with(topic, "/events")) return "event";
  if (ends_with(topic, "/status")) return "status";
  if (ends_with(topic, "/cmd/result")) return "cmd-result";
  if (ends_with(topic, "/cmd")) return "cmd";
  return "unknown-topic " + topic;
}

struct Entry {
  std::string schema, expect, payload;
};

std::string write_jsonl(const TempDir& dir, const std::string& name, const std::vector<Entry>& entries) {
  std::string text;
  for (const auto& e : entries)
    text += nlohmann::json{{"schema", e.schema}, {"expect", e.expect}, {"payload", e.payload}}.dump() + "\n";
  return dir.write(name, text);
}

// Runs validate.py; returns its exit code, its output in *out.
int validate(const std::string& jsonl, std::string* out, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv{system_python(), kValidate, kSchemas, jsonl};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_command(argv, out);
}

// Shows farmgate's log when a REQUIRE ends the test early (INFO would capture it too soon).
struct LogOnFailure {
  Process& p;
  ~LogOnFailure() {
    if (std::uncaught_exceptions() > 0) std::cerr << "farmgate log:\n" << p.log_text() << "\n";
  }
};

int count_of(const std::vector<ProbeMessage>& ms, const std::string& leaf, const std::string& needle) {
  int n = 0;
  for (const auto& m : ms)
    if (m.topic == kBase + leaf && m.payload.find(needle) != std::string::npos) ++n;
  return n;
}

}  // namespace

TEST_CASE("docs: every message the running gateway publishes matches its documented schema") {
  TempDir dir("farmgate-docs");
  Broker broker(dir.path());
  Farmsim sim(dir, kFarmsim);
  const std::string config = dir.write("farmgate.yaml", main_config(broker.port(), sim.tcp_port()));
  dir.write("rules.yaml", kRules);
  Probe probe(broker.url(), kBase + "#");

  Process gw({built_binary("farmgate"), "run", "-c", config}, dir.file("farmgate.log"));
  LogOnFailure show_log{gw};

  // The rule, the alarm, the silent unit and the out-of-range temperature all show up.
  REQUIRE(probe.wait_for([](const std::vector<ProbeMessage>& ms) {
    return count_of(ms, "events", R"("reason":"rule aerate-low-oxygen")") > 0 &&
           count_of(ms, "events", R"("state":"raised")") > 0 &&
           count_of(ms, "events", R"("source":"device")") > 0 &&
           count_of(ms, "telemetry", R"("quality":"error")") > 0 &&
           count_of(ms, "telemetry", R"("quality":"bad")") > 0 &&
           count_of(ms, "status", R"("state":"online")") > 0;
  }, 20000));
  // The rule really drove the aerator.
  REQUIRE(wait_until([&] { return sim.command("get 1 coil 0") == "ok 1"; }));

  // Commands: valid ones (set with hold, read, status, release) and refused ones.
  const std::vector<Entry> commands = {
      {"cmd", "valid", R"({"id":"c-1","op":"set","point":"pond1_relay.feeder","value":true,"hold":"30s"})"},
      {"cmd", "valid", R"({"id":"c-2","op":"set","point":"pond1_do.do","value":5,"hold":"1m"})"},
      {"cmd", "invalid", R"({not json)"},
      {"cmd", "valid", R"({"id":"c-4","op":"read","point":"pond1_do.do"})"},
      {"cmd", "valid", R"({"id":"c-5","op":"status"})"},
      {"cmd", "invalid", R"({"id":"c-6","op":"reboot"})"},
      {"cmd", "valid", R"({"id":"c-7","op":"release","point":"pond1_relay.feeder"})"},
  };
  for (size_t i = 0; i < commands.size(); ++i) {
    probe.publish(kBase + "cmd", commands[i].payload);
    // One at a time, so the hold is in force before the release arrives.
    REQUIRE(probe.wait_for([&](const std::vector<ProbeMessage>& ms) {
      return count_of(ms, "cmd/result", "") >= static_cast<int>(i + 1);
    }));
  }
  auto results = probe.on("cmd/result");
  CHECK(results[0].payload == R"({"id":"c-1","ok":true})");
  CHECK(results[1].payload == R"({"id":"c-2","ok":false,"error":"pond1_do.do is not writable"})");
  CHECK(results[2].payload == R"({"ok":false,"error":"malformed JSON"})");

  // A reload refused (a broken rule file), then one accepted; then a periodic status.
  dir.write("rules.yaml", "rules:\n  - name: [broken\n");
  gw.signal(SIGHUP);
  REQUIRE(probe.wait_for([](const std::vector<ProbeMessage>& ms) {
    return count_of(ms, "events", R"("state":"rejected")") > 0;
  }));
  dir.write("rules.yaml", kRules);
  gw.signal(SIGHUP);
  REQUIRE(probe.wait_for([](const std::vector<ProbeMessage>& ms) {
    return count_of(ms, "events", R"("state":"reloaded")") > 0 &&
           count_of(ms, "events", R"("reason":"override c-1")") > 0 &&
           count_of(ms, "events", R"("type":"command")") >= 7 &&
           count_of(ms, "status", R"("buffer":)") > 0;
  }, 15000));

  // A clean stop publishes the retained offline status.
  const size_t before = probe.on("status").size();
  REQUIRE(gw.stop() == 0);
  REQUIRE(probe.wait_for([&](const std::vector<ProbeMessage>& ms) {
    size_t n = 0;
    for (const auto& m : ms)
      if (m.topic == kBase + "status" && ++n > before && m.payload == R"({"state":"offline"})") return true;
    return false;
  }));

  std::vector<Entry> entries;
  size_t cmd_index = 0;
  for (const auto& m : probe.messages()) {
    std::string expect = "valid";
    if (schema_of(m.topic) == "cmd") expect = commands.at(cmd_index++).expect;
    entries.push_back({schema_of(m.topic), expect, m.payload});
  }
  REQUIRE(cmd_index == commands.size());
  std::string out;
  int rc = validate(write_jsonl(dir, "captured.jsonl", entries), &out,
                    {"--require", "telemetry,event,status,cmd,cmd-result",
                     "--require-event-types", "actuator,alarm,fault,config,command"});
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("count rejected cmd 2") != std::string::npos);
}

TEST_CASE("docs: the schemas reject payloads that drift from the contract") {
  TempDir dir("farmgate-docs");
  const std::string good = R"({"gateway":"gw","readings":[{"seq":1,"point":"a.b","ts":1764320400123,"value":5,"unit":"mg/L","quality":"good"}]})";
  std::string out;
  // A storage fault in force (spec §7), as status shows it while the disk is full.
  const std::string faulty = R"({"state":"online","version":"0.1","started":1,"config":")" +
                             std::string(64, 'a') +
                             R"(","buffer":{"unsent":3,"dropped":0,"fault":{"message":"cannot write the buffer /b.db: database or disk is full","since":1764320400123}},"devices":{}})";
  REQUIRE(validate(write_jsonl(dir, "good.jsonl",
                               {{"telemetry", "valid", good}, {"status", "valid", faulty}}),
                   &out) == 0);

  // Each is a real payload with one thing wrong, claimed valid: each must be reported.
  const std::vector<Entry> drifted = {
      {"telemetry", "valid", R"({"gateway":"gw","readings":[{"seq":1,"point":"a.b","ts":1764320400123,"value":"5","quality":"good"}]})"},
      {"telemetry", "valid", R"({"gateway":"gw","readings":[{"seq":2,"point":"a.b","ts":1764320400123,"value":5,"quality":"error"}]})"},
      {"event", "valid", R"({"seq":3,"ts":1,"type":"actuator","point":"a.b","value":true,"reason":"because"})"},
      {"event", "valid", R"({"seq":4,"ts":1,"type":"fault","source":"weather","message":"x"})"},
      {"status", "valid", R"({"state":"online","version":"0.1","started":1,"config":"abc"})"},
      {"status", "valid", R"({"state":"online","version":"0.1","started":1,"config":")" + std::string(64, 'a') + R"(","buffer":{"unsent":3,"dropped":0,"fault":{"message":"full"}},"devices":{}})"},
      {"cmd", "valid", R"({"id":"c-1","op":"set","point":"a.b","value":true})"},
      {"cmd-result", "valid", R"({"id":"c-1","ok":true,"error":"x"})"},
  };
  int rc = validate(write_jsonl(dir, "drift.jsonl", drifted), &out);
  INFO(out);
  CHECK(rc == 1);
  size_t invalid = 0;
  for (size_t at = out.find("INVALID"); at != std::string::npos; at = out.find("INVALID", at + 1)) ++invalid;
  CHECK(invalid == drifted.size());
}

}  // namespace farmgate::test
