// Rule file diagnostics as data: tests/rules_cases/<case>/rules.yaml next to expected.err
// (the exact `FILE:LINE:COL: error:` lines, FILE = rules.yaml; empty = valid). All cases run
// against the fixed farm of fixture.h. Adding a case is adding a folder with two files;
// FARMGATE_UPDATE_CASES=1 writes expected.err from the current output (review it!).
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "rules/rule_file.h"
#include "tests/support/temp_dir.h"
#include "tests/rules/fixture.h"

using namespace farmgate;
using namespace farmgate::rules;
namespace fs = std::filesystem;

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

TEST_CASE("every rule case gives exactly its expected diagnostics", "[rule_file]") {
  const auto cfg = fixture::farm();
  int cases = 0;
  for (const auto& dir : fs::directory_iterator(RULES_CASES_DIR)) {
    if (!dir.is_directory()) continue;
    ++cases;
    const std::string name = dir.path().filename().string();
    const std::string text = farmgate::test::read_file((dir.path() / "rules.yaml").string());
    const std::string expected = trim(farmgate::test::read_file((dir.path() / "expected.err").string()));
    auto result = parse_rule_text(text, "rules.yaml", cfg);
    std::string got;
    for (const auto& d : result.diagnostics.all()) got += d.str() + "\n";
    INFO("case " << name);
    if (std::getenv("FARMGATE_UPDATE_CASES")) {  // regenerate, then review the diff by eye
      std::ofstream((dir.path() / "expected.err").string()) << got;
      continue;
    }
    CHECK(trim(got) == expected);
    CHECK(result.rules.has_value() == expected.empty());
  }
  CHECK(cases >= 10);
}

TEST_CASE("a valid file yields rules, actuators and alarms as written", "[rule_file]") {
  const auto cfg = fixture::farm();
  auto r = parse_rule_text(R"(
rules:
  - name: aerate
    when: pond1_do.do < 4.0 for 2m
    until: pond1_do.do > 6.0
    set: { pond1_relay.aerator: on, pond1_relay.speed: 1200 }
    priority: 10
  - name: feed
    at: ["07:00", "17:30"]
    for: 90s
    unless: pond1_do.do < 3.5
    set: { pond1_relay.feeder: on }
actuators:
  pond1_relay.aerator: { failsafe: on, min_on: 5m, min_off: 1m }
  gh1_valves.zone1: { max_on: 45m, exclusive_with: [gh1_valves.zone2] }
alarms:
  - name: oxygen-critical
    when: pond1_do.do < 3.0
    for: 1m
    severity: critical
    message: "Pond 1 oxygen {pond1_do.do} mg/L"
)", "r.yaml", cfg);
  for (const auto& d : r.diagnostics.all()) INFO(d.str());
  REQUIRE(r.rules);
  const RuleSet& s = *r.rules;
  REQUIRE(s.rules.size() == 2);
  CHECK(s.rules[0].hold == Duration(120000));
  CHECK(s.rules[0].priority == 10);
  REQUIRE(s.rules[0].set.size() == 2);
  CHECK(s.rules[0].set[1].value == 1200);
  CHECK(s.rules[1].at == std::vector<int>{420, 1050});
  CHECK(s.rules[1].pulse == Duration(90000));
  REQUIRE(s.actuators.size() == 2);
  CHECK(s.actuators[0].failsafe == Failsafe::on);
  CHECK(s.actuators[0].min_on == Duration(300000));
  CHECK(s.actuators[1].failsafe == Failsafe::off);
  CHECK(s.actuators[1].exclusive_with == std::vector<std::string>{"gh1_valves.zone2"});
  REQUIRE(s.alarms.size() == 1);
  CHECK(s.alarms[0].hold == Duration(60000));
  CHECK(s.alarms[0].severity == Severity::critical);
}

TEST_CASE("names must be unique across rule files", "[rule_file]") {
  farmgate::test::TempDir dir;
  auto a = dir.write("a.yaml", "rules:\n  - name: r\n    when: pond1_do.do < 1\n    set: { pond1_relay.pump: on }\n");
  auto b = dir.write("b.yaml", "rules:\n  - name: r\n    when: pond1_do.do < 2\n    set: { pond1_relay.pump: on }\n");
  auto r = load_rule_files({a, b, dir.file("missing.yaml")}, fixture::farm());
  REQUIRE(r.diagnostics.all().size() == 2);
  CHECK(r.diagnostics.all()[0].str() == b + ":2:11: error: duplicate rule name 'r' (first at " + a + ":2)");
  CHECK(r.diagnostics.all()[1].str() ==
        dir.file("missing.yaml") + ":1:1: error: cannot read the rule file: No such file or directory");
  CHECK_FALSE(r.rules);
}
