// rules::load_rule_files on what a rules folder really holds (spec §7 "Files"): each file
// that is not a readable, non-empty regular file under 4 MiB is an error at FILE:1:1, all
// of them reported in one run, and no rule set comes back (the running rules stay).
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "config/file_read.h"
#include "rules/rule_file.h"
#include "tests/rules/fixture.h"
#include "tests/support/as_user.h"
#include "tests/support/temp_dir.h"

using namespace farmgate;
using namespace farmgate::rules;
using farmgate::test::TempDir;

namespace {

std::string lines(const config::Diagnostics& d) {
  std::string s;
  for (const auto& x : d.all()) s += x.str() + "\n";
  return s;
}

const char* kGood = "rules:\n  - name: aerate\n    when: pond1_do.do < 4\n"
                    "    set: { pond1_relay.aerator: on }\n";

}  // namespace

TEST_CASE("an empty rule file is an error, never an empty rule set", "[rule_file][files]") {
  // An editor truncates, then writes: a reload in between saw 0 rules and the aerator went
  // to its default (off) at DO 3.0.
  TempDir t;
  const std::string good = t.write("a.yaml", kGood);
  const std::string empty = t.write("b.yaml", "");
  const std::string comments = t.write("c.yaml", "# all rules disabled\n\n");
  auto r = load_rule_files({good, empty, comments}, fixture::farm());
  CHECK_FALSE(r.rules);
  const std::string why =
      ":1:1: error: the rule file is empty (no rules, actuators or alarms); to have none, write "
      "`rules: []` or remove the file from `rules:`\n";
  CHECK(lines(r.diagnostics) == empty + why + comments + why);
}

TEST_CASE("FIFO, device, folder, oversized and vanished rule files are each an error",
          "[rule_file][files]") {
  TempDir t;
  const std::string good = t.write("a.yaml", kGood);
  const std::string fifo = t.file("fifo.yaml"), zero = t.file("zero.yaml"),
                    folder = t.file("folder.yaml"), gone = t.file("gone.yaml");
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  REQUIRE(::symlink("/dev/zero", zero.c_str()) == 0);
  REQUIRE(::mkdir(folder.c_str(), 0755) == 0);
  const std::string big =
      t.write("big.yaml", "rules: []\n" + std::string(config::kMaxUserFileBytes, '#'));
  auto r = load_rule_files({good, fifo, zero, folder, big, gone}, fixture::farm());
  CHECK_FALSE(r.rules);
  const std::string e = ":1:1: error: cannot read the rule file: ";
  CHECK(lines(r.diagnostics) ==
        fifo + e + "it is a FIFO (named pipe), not a regular file\n" +  //
        zero + e + "it is a character device, not a regular file\n" +   //
        folder + e + "it is a folder, not a file\n" +                   //
        big + e + "the file is 4194314 bytes, over the limit of 4194304 bytes\n" +  //
        gone + e + "No such file or directory\n");
}

TEST_CASE("a rule file the reader may not open is an error", "[rule_file][files]") {
  TempDir t;
  ::chmod(t.path().c_str(), 0755);
  const std::string path = t.write("secret.yaml", kGood);
  ::chmod(path.c_str(), 0600);
  const std::string got = farmgate::test::run_as_nobody([&] {
    auto r = load_rule_files({path}, fixture::farm());
    return lines(r.diagnostics) + (r.rules ? "+rules" : "");
  });
  CHECK(got == path + ":1:1: error: cannot read the rule file: Permission denied\n");
}

TEST_CASE("without a valid config, rule files are still checked for what needs none",
          "[rule_file][files]") {
  TempDir t;
  const std::string good = t.write("a.yaml", kGood);
  const std::string broken = t.write("b.yaml", "rules: [\n");
  const std::string empty = t.write("c.yaml", "");
  const auto d = check_rule_files_readable({good, broken, empty, t.file("gone.yaml")});
  const std::string got = lines(d);
  CHECK(got.find(good) == std::string::npos);  // points are not checked without a config
  CHECK(got.find(broken + ":2:1: error:") != std::string::npos);
  CHECK(got.find(empty + ":1:1: error: the rule file is empty") != std::string::npos);
  CHECK(got.find(t.file("gone.yaml") + ":1:1: error: cannot read the rule file: No such file") !=
        std::string::npos);
}
