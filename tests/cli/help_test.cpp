// Every command's --help ends with an example and its exit codes, and the man page
// (docs/farmgate.1) says the same: every command, every option, every example and every
// exit code of the help is in it, so the two cannot drift apart unnoticed.
#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

#include "tests/cli/cli_fixture.h"
#include "tests/support/process.h"

using namespace farmgate::test;

namespace {

const std::vector<std::string> kCommands{"run",  "check",  "read",  "write",
                                         "scan", "replay", "status"};

// The man page as its reader sees the words: roff's "\-" is "-", requests and font escapes
// dropped, every run of white space one space.
std::string man_page_words() {
  std::istringstream in(read_file(std::string(FARMGATE_SOURCE_DIR) + "/docs/farmgate.1"));
  std::string text;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(".\\\"", 0) == 0) continue;  // a comment
    if (!line.empty() && line[0] == '.') {
      const auto space = line.find(' ');
      if (space == std::string::npos) continue;
      line = line.substr(space + 1);  // ".B --bus" -> "--bus"
    }
    text += line + " ";
  }
  text = std::regex_replace(text, std::regex(R"(\\-)"), "-");
  text = std::regex_replace(text, std::regex(R"(\\f[BIRP])"), "");
  text = std::regex_replace(text, std::regex(R"(\\\(lq|\\\(rq|")"), "");
  return std::regex_replace(text, std::regex(R"(\s+)"), " ");
}

std::string one_line(const std::string& s) {
  return std::regex_replace(s, std::regex(R"(\s+)"), " ");
}

// The part of `help` after the line `heading`, up to the next line that is not indented.
std::vector<std::string> section(const std::string& help, const std::string& heading) {
  std::istringstream in(help);
  std::vector<std::string> lines;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (inside && (line.empty() || line[0] != ' ')) break;
    if (inside) lines.push_back(line);
    if (line == heading) inside = true;
  }
  return lines;
}

// "  -c,--config TEXT=..." -> "-c", "--config": every option name the help lists.
std::vector<std::string> options_of(const std::string& help) {
  std::vector<std::string> names;
  for (const auto& line : section(help, "Options:")) {
    std::smatch m;
    if (!std::regex_search(line, m, std::regex(R"(^\s+(-[-a-z,]+))"))) continue;
    std::istringstream in(std::regex_replace(m[1].str(), std::regex(","), " "));
    for (std::string name; in >> name;) names.push_back(name);
  }
  return names;
}

// "  1  a point could not be read,\n     or ..." -> {"a point could not be read, or ..."}
std::vector<std::string> exit_code_texts(const std::vector<std::string>& lines) {
  std::vector<std::string> texts;
  for (const auto& line : lines) {
    std::smatch m;
    if (std::regex_match(line, m, std::regex(R"(  (\d)  (.*))")))
      texts.push_back(m[2]);
    else if (!texts.empty())
      texts.back() += " " + line;
  }
  for (auto& t : texts) t = one_line(t);
  return texts;
}

}  // namespace

TEST_CASE("help: every command's --help gives an example and its exit codes 0 and 2",
          "[cli][usage][help]") {
  TempDir dir("cli");
  for (const auto& command : kCommands) {
    INFO("farmgate " << command << " --help");
    CliRun r = run_farmgate(dir, {command, "--help"});
    REQUIRE(r.code == 0);
    const auto example = section(r.out, "Example:");
    REQUIRE(!example.empty());
    CHECK(example[0].find("farmgate " + command + " ") != std::string::npos);
    const auto codes = section(r.out, "Exit codes:");
    CHECK(codes.front().rfind("  0  ", 0) == 0);
    CHECK(codes.back().find("bad ") != std::string::npos);  // 2: a usage mistake is always 2
  }
  CliRun top = run_farmgate(dir, {"--help"});
  CHECK(top.out.find("Exit codes: 0 ok, 1 runtime failure, 2 usage or config error.") !=
        std::string::npos);
}

TEST_CASE("help: the man page has every command, option, example and exit code of --help",
          "[cli][usage][help][man]") {
  TempDir dir("cli");
  const std::string man = man_page_words();
  CliRun top = run_farmgate(dir, {"--help"});
  for (const auto& option : options_of(top.out)) {
    INFO("farmgate --help option " << option);
    CHECK(man.find(" " + option + " ") != std::string::npos);
  }
  for (const auto& command : kCommands) {
    INFO("farmgate " << command << " --help");
    CHECK(man.find("COMMANDS") != std::string::npos);
    CHECK(man.find(" " + command + " ") != std::string::npos);
    CliRun r = run_farmgate(dir, {command, "--help"});
    for (const auto& option : options_of(r.out)) {
      INFO("option " << option);
      CHECK(man.find(" " + option + " ") != std::string::npos);
    }
    for (const auto& line : section(r.out, "Example:")) {
      const auto at = line.find("farmgate " + command);
      if (at == std::string::npos) continue;
      INFO("example " << line);
      CHECK(man.find(one_line(line.substr(at))) != std::string::npos);
    }
    for (const auto& text : exit_code_texts(section(r.out, "Exit codes:"))) {
      INFO("exit code text " << text);
      CHECK(man.find(text) != std::string::npos);
    }
  }
}

TEST_CASE("help: check --points lists the point ids, --writable only the writable ones",
          "[cli][check]") {
  TempDir dir("cli");
  const auto cfg = dir.write("farmgate.yaml", pond_config("tcp: { host: 127.0.0.1, port: 1 }"));
  CliRun r = run_farmgate(dir, {"check", "-c", cfg, "--points"});
  CHECK(r.code == 0);
  CHECK(r.err == "");
  CHECK(r.out ==
        "pond1.temp\npond1.do\npond1.setpoint\npond1.aerator\npond1.feeder\nbroken.level\n"
        "dead.ph\n");
  r = run_farmgate(dir, {"check", "-c", cfg, "--points", "--writable"});
  CHECK(r.code == 0);
  CHECK(r.out == "pond1.setpoint\npond1.aerator\npond1.feeder\nbroken.level\n");
  // --writable alone is a usage mistake; an invalid config is exit 2 with its errors.
  CHECK(run_farmgate(dir, {"check", "-c", cfg, "--writable"}).code == 2);
  const auto bad = dir.write("bad.yaml", "gateway: [\n");
  r = run_farmgate(dir, {"check", "-c", bad, "--points"});
  CHECK(r.code == 2);
  CHECK(r.out == "");
  CHECK(r.err.find("error:") != std::string::npos);
}
