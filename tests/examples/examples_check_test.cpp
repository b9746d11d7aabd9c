// Every main file in config/examples/ (the *.yaml that are not *.rules.yaml) is a valid
// config: `farmgate check` exits 0 and prints no error. New examples are picked up by
// themselves.
#include <catch2/catch.hpp>
#include <dirent.h>
#include <sys/stat.h>

#include <filesystem>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/text.h"

namespace farmgate::test {
namespace {

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
  auto source = GENERATE_COPY(from_range(files));
  // As installed: the examples name /etc/farmgate/mqtt.pass, which `check` must find (run
  // would fail without it). A copy of the folder with the secret in place stands in for
  // /etc/farmgate.
  TempDir etc("examples");
  std::filesystem::copy(std::string(FARMGATE_SOURCE_DIR) + "/config/examples", etc.path(),
                        std::filesystem::copy_options::recursive);
  const std::string pass = etc.write("mqtt.pass", "secret\n");
  ::chmod(pass.c_str(), 0600);
  const std::string name = source.substr(source.rfind('/') + 1);
  std::string text = read_file(source);
  for (auto at = text.find("/etc/farmgate/mqtt.pass"); at != std::string::npos;
       at = text.find("/etc/farmgate/mqtt.pass", at))
    text.replace(at, 23, pass);
  const std::string file = etc.write(name, text);
  std::string out;
  int code = run_command({built_binary("farmgate"), "check", "-c", file}, &out);
  INFO(file << "\n" << out);
  CHECK(code == 0);
  CHECK(out.find("error:") == std::string::npos);
  CHECK(out.find(": valid") != std::string::npos);
}

}  // namespace
}  // namespace farmgate::test
