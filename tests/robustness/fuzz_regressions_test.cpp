// Every input the fuzzers (fuzz/) ever crashed on, fed to the same function in the normal
// suite, plus every seed of fuzz/corpus/ (so the corpus itself stays crash-free under
// tools/sanitize asan). Add the crashing file to fuzz/corpus/<target>/ and a named case here.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/loader.h"
#include "rules/expression.h"
#include "rules/rule_file.h"
#include "uplink/commands.h"

using namespace farmgate;

namespace {

std::string corpus(const std::string& target) {
  return std::string(FARMGATE_SOURCE_DIR) + "/fuzz/corpus/" + target;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const config::Config& example() {
  static const config::Config c = *config::load(
      std::string(FARMGATE_SOURCE_DIR) + "/tests/config_cases/spec_example/farmgate.yaml").config;
  return c;
}

}  // namespace

TEST_CASE("every expression seed and past crash parses to a tree or a positioned error",
          "[robustness][fuzz]") {
  for (const auto& f : std::filesystem::directory_iterator(corpus("expression"))) {
    const std::string text = slurp(f.path());
    INFO(f.path());
    std::optional<rules::ParseError> error;
    auto e = rules::Expression::parse(text, &error);
    CHECK(e.valid() != error.has_value());
  }
}

TEST_CASE("every rule file and command seed gives rules/diagnostics and an answer",
          "[robustness][fuzz]") {
  for (const auto& f : std::filesystem::directory_iterator(corpus("rule_text"))) {
    INFO(f.path());
    auto r = rules::parse_rule_text(slurp(f.path()), "seed.yaml", example());
    CHECK(r.rules.has_value() != r.diagnostics.has_errors());
  }
  for (const auto& f : std::filesystem::directory_iterator(corpus("command"))) {
    INFO(f.path());
    auto r = uplink::parse_command(slurp(f.path()), example());
    if (auto* refusal = std::get_if<uplink::Refusal>(&r)) CHECK_FALSE(refusal->error.empty());
  }
}

TEST_CASE("every config seed loads to a config or diagnostics", "[robustness][fuzz]") {
  for (const auto& f : std::filesystem::directory_iterator(corpus("config_loader"))) {
    INFO(f.path());
    auto r = config::load(f.path().string());
    CHECK(r.config.has_value() != r.diagnostics.has_errors());
  }
}

// Found while writing fuzz/expression_fuzz.cpp (by hand: 8 KiB fuzz inputs stay under the
// stack, 100 KiB ones do not): every level of an
// expression recursed in the parser, in eval and in the tree's destruction, so a long line
// of "((((", "not not ...", "- - ..." or "1+1+1..." overflowed the stack (SIGSEGV) of
// `farmgate check` and the daemon. Now: a positioned error past 100 levels / 200 operations.
TEST_CASE("an absurdly deep or long expression is an error, not a stack overflow",
          "[robustness][fuzz]") {
  auto repeat = [](const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  };
  const int n = 200000;
  const std::pair<const char*, std::string> cases[] = {
      {"parentheses", repeat("(", n) + "1" + repeat(")", n)},
      {"not chain", repeat("not ", n) + "true"},
      {"minus chain", repeat("-", n) + "1"},
      {"long sum", "1" + repeat("+1", n)},
      {"long and", "true" + repeat(" and true", n)},
  };
  for (const auto& [name, text] : cases) {
    INFO(name);
    std::optional<rules::ParseError> error;
    auto e = rules::Expression::parse(text, &error);
    CHECK_FALSE(e.valid());
    REQUIRE(error);
    CHECK(error->offset > 0);
    CHECK(error->offset <= static_cast<int>(text.size()));
  }
  // Rules as people write them stay far below the bound.
  std::optional<rules::ParseError> error;
  auto ok = rules::Expression::parse(repeat("(", 50) + "a.b + 1" + repeat(")", 50) + " > 2" +
                                         repeat(" and x.y < 3", 60),
                                     &error);
  CHECK(ok.valid());
  CHECK_FALSE(error);
  // In a rule file the same text is a diagnostic.
  auto r = rules::parse_rule_text("rules:\n  - name: deep\n    when: " + repeat("(", n) + "1" +
                                      repeat(")", n) + "\n    set: { pond1_relay.aerator: on }\n",
                                  "deep.yaml", example());
  CHECK_FALSE(r.rules);
  CHECK(r.diagnostics.has_errors());
}
