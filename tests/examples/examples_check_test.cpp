// Every main file in config/examples/ (the *.yaml that are not *.rules.yaml) is a valid
// config: `farmgate check` exits 0 and prints no error. New examples are picked up by
// themselves.
#include <catch2/catch.hpp>
#include <dirent.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace farmgate::test {
namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::vector<std::string> example_main_files() {
  const std::string dir = std::string(FARMGATE_SOURCE_DIR) + "/config/examples";
  std::vector<std::string> files;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (ends_with(name, ".yaml") && !ends_with(name, ".rules.yaml"))
        files.push_back(dir + "/" + name);
    }
    closedir(d);
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST_CASE("the examples folder holds the fish pond, greenhouse and weather station configs") {
  auto files = example_main_files();
  for (const char* name : {"/fishpond.yaml", "/greenhouse.yaml", "/weather-station.yaml"}) {
    INFO(name);
    CHECK(std::any_of(files.begin(), files.end(),
                      [&](const std::string& f) { return ends_with(f, name); }));
  }
}

TEST_CASE("every example config passes farmgate check with no error") {
  auto files = example_main_files();
  REQUIRE(!files.empty());
  auto file = GENERATE_COPY(from_range(files));
  std::string out;
  int code = run_command({built_binary("farmgate"), "check", "-c", file}, &out);
  INFO(file << "\n" << out);
  CHECK(code == 0);
  CHECK(out.find("error:") == std::string::npos);
  CHECK(out.find(": valid") != std::string::npos);
}

}  // namespace
}  // namespace farmgate::test
