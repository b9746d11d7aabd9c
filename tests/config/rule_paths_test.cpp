// `rules:` on disk (spec §7 "Files"): what the folder and the names in it can be. The corpus
// (tests/config_cases) holds the cases a checkout can carry; these need a FIFO, a mode, or
// an account that is not root.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "config/loader.h"
#include "tests/config/diagnostic_lines.h"
#include "tests/support/as_user.h"
#include "tests/support/temp_dir.h"

using namespace farmgate::config;
using farmgate::test::TempDir;
using farmgate::config::test::lines;

namespace {

// config::load of `main` as user nobody: its diagnostics, "+config" when it loaded.
std::string load_as_nobody(const std::string& main) {
  return farmgate::test::run_as_nobody([&] {
    LoadOptions o;
    o.shipped_profile_dirs.clear();
    const LoadResult r = load(main, o);
    return lines(r) + (r.config ? "+config" : "");
  });
}

}  // namespace

TEST_CASE("a rules folder that cannot be listed is an error, not a gateway without rules",
          "[config][files]") {
  // Root lists any folder: the load runs as nobody. Before, the glob quietly matched
  // nothing: 0 rules and exit 0.
  TempDir t;
  ::chmod(t.path().c_str(), 0755);
  const std::string main =
      t.write("farmgate.yaml", "gateway: { id: gw-1 }\nrules: [rules.d/*.yaml]\n");
  ::chmod(main.c_str(), 0644);
  REQUIRE(::mkdir(t.file("rules.d").c_str(), 0700) == 0);
  t.write("rules.d/pond.yaml", "rules: []\n");
  CHECK(load_as_nobody(main) == main + ":2:9: error: cannot list the rules folder " +
                                    t.file("rules.d") +
                                    ": Permission denied (its rule files would be missing)\n");
}

TEST_CASE("the default rules folder that cannot be listed is an error too", "[config][files]") {
  TempDir t;
  ::chmod(t.path().c_str(), 0755);
  const std::string main = t.write("farmgate.yaml", "gateway: { id: gw-1 }\n");
  ::chmod(main.c_str(), 0644);
  REQUIRE(::mkdir(t.file("rules.d").c_str(), 0700) == 0);
  CHECK(load_as_nobody(main) == main + ":1:1: error: cannot list the rules folder " +
                                    t.file("rules.d") +
                                    ": Permission denied (its rule files would be missing)\n");
}

TEST_CASE("a FIFO or a /dev/zero link as the main file is refused, not read", "[config][files]") {
  TempDir t;
  const std::string fifo = t.file("fifo.yaml"), zero = t.file("zero.yaml");
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  REQUIRE(::symlink("/dev/zero", zero.c_str()) == 0);
  CHECK(lines(load(fifo)) ==
        fifo + ":1:1: error: cannot read the file: it is a FIFO (named pipe), not a regular file\n");
  CHECK(lines(load(zero)) == zero +
                                 ":1:1: error: cannot read the file: it is a character device, "
                                 "not a regular file\n");
}
