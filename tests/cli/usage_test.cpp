// The command line itself (spec §2): --help and --version everywhere, and usage mistakes are
// exit 2 with a message on stderr and nothing on stdout.
#include <catch2/catch.hpp>

#include "tests/cli/cli_fixture.h"

using namespace farmgate::test;

namespace {

const std::vector<std::string> kSubcommands{"run", "check", "read", "write", "scan", "replay", "status"};

}  // namespace

TEST_CASE("version: --version prints the version on stdout everywhere", "[cli][usage]") {
  TempDir dir("cli");
  const std::string version = std::string("farmgate ") + FARMGATE_TEST_VERSION + "\n";
  CliRun r = run_farmgate(dir, {"--version"});
  CHECK(r.code == 0);
  CHECK(r.out == version);
  CHECK(r.err == "");
  for (const auto& sub : kSubcommands) {
    INFO("farmgate " << sub << " --version");
    r = run_farmgate(dir, {sub, "--version"});
    CHECK(r.code == 0);
    CHECK(r.out == version);
    CHECK(r.err == "");
  }
}

TEST_CASE("help: --help lists the subcommands", "[cli][usage]") {
  TempDir dir("cli");
  CliRun r = run_farmgate(dir, {"--help"});
  CHECK(r.code == 0);
  CHECK(r.err == "");
  CHECK(r.out.rfind("farmgate: edge gateway", 0) == 0);
  for (const auto& sub : kSubcommands) CHECK(r.out.find("\n  " + sub + " ") != std::string::npos);
  // -h is the same.
  CHECK(run_farmgate(dir, {"-h"}).out == r.out);
}

TEST_CASE("help: --help on a subcommand works without its required arguments", "[cli][usage]") {
  struct Case {
    std::string sub, mentions;
  };
  TempDir dir("cli");
  for (const auto& c : {Case{"run", "--config"}, Case{"check", "--config"},
                        Case{"read", "points"}, Case{"write", "value"}, Case{"scan", "--units"},
                        Case{"replay", "--since"}, Case{"status", "--json"}}) {
    INFO("farmgate " << c.sub << " --help");
    CliRun r = run_farmgate(dir, {c.sub, "--help"});
    CHECK(r.code == 0);
    CHECK(r.err == "");
    CHECK(r.out.find("Usage: ") != std::string::npos);
    CHECK(r.out.find(c.sub) != std::string::npos);
    CHECK(r.out.find(c.mentions) != std::string::npos);
    CHECK(r.out.find("/etc/farmgate/farmgate.yaml") != std::string::npos);  // the default
  }
}

TEST_CASE("usage mistakes exit 2 with the reason on stderr", "[cli][usage]") {
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  TempDir dir("cli");
  const std::string cfg = dir.write("farmgate.yaml", "gateway: { id: gw }\n");
  for (const auto& c : {
           Case{{}, "A subcommand is required"},
           Case{{"frobnicate"}, "error: unknown command 'frobnicate'; commands: run, check, read, "
                                "write, scan, replay, status\n"},
           Case{{"-v", "chek", "-c", cfg}, "error: unknown command 'chek' (did you mean 'check'?)"},
           Case{{"read", "-c", cfg}, "points is required"},
           Case{{"write", "-c", cfg, "pond1.aerator"}, "value is required"},
           Case{{"scan", "-c", cfg}, "--bus is required"},
           Case{{"replay", "-c", cfg}, "--db is required"},
           Case{{"check", "--bogus"}, "--bogus"},
           Case{{"check", "-c"}, "-c"},
       }) {
    std::string line = "farmgate";
    for (const auto& a : c.args) line += " " + a;
    INFO(line);
    CliRun r = run_farmgate(dir, c.args);
    CHECK(r.code == 2);
    CHECK(r.out == "");
    CHECK(r.err.find(c.says) != std::string::npos);
    CHECK(r.err.find("Run with --help for more information.") != std::string::npos);
  }
}

TEST_CASE("a missing config file is a config error, exit 2", "[cli][usage]") {
  TempDir dir("cli");
  const std::string missing = dir.file("nope.yaml");
  for (const auto& sub : {"check", "read"}) {
    INFO(sub);
    std::vector<std::string> args{sub, "-c", missing};
    if (std::string(sub) == "read") args.push_back("a.b");
    CliRun r = run_farmgate(dir, args);
    CHECK(r.code == 2);
    CHECK(r.out == "");
    CHECK(r.err.find(missing) == 0);
    CHECK(r.err.find("error: ") != std::string::npos);
  }
}
