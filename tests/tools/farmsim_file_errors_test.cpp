// Mistakes in a description file: every one reported as FILE:LINE:COL: error:, exit 2,
// before anything is opened. Data-driven: farmsim_cases/<case>/farmsim.yaml beside
// expected.err (the exact lines, with the file named "farmsim.yaml").
#include <dirent.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

using namespace farmgate::test;

namespace {

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  if (DIR* d = opendir(FARMSIM_CASES_DIR)) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') names.push_back(e->d_name);
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size())
    s.replace(at, from.size(), to);
  return s;
}

}  // namespace

TEST_CASE("each bad description file is reported in place, with exit code 2", "[farmsim]") {
  auto names = case_names();
  REQUIRE(names.size() >= 5);
  for (const auto& name : names) {
    std::string dir = std::string(FARMSIM_CASES_DIR) + "/" + name;
    std::string out;
    int code = run_command({built_binary("farmsim"), dir + "/farmsim.yaml"}, &out);
    INFO("case " << name << ":\n" << out);
    CHECK(code == 2);
    CHECK(replace_all(out, dir + "/", "") == read_file(dir + "/expected.err"));
  }
}

TEST_CASE("a missing description file is an error with exit code 2", "[farmsim]") {
  std::string out;
  CHECK(run_command({built_binary("farmsim"), "/nonexistent/farmsim.yaml"}, &out) == 2);
  CHECK(out == "/nonexistent/farmsim.yaml: error: cannot read the file\n");
}

TEST_CASE("an RTU device that cannot be opened fails with exit code 1", "[farmsim]") {
  TempDir dir("farmsim");
  std::string out;
  std::string file = dir.write("farmsim.yaml", R"(
servers:
  - rtu: { device: /nonexistent/tty }
    units: [1]
)");
  CHECK(run_command({built_binary("farmsim"), file}, &out) == 1);
  CHECK(out.find("cannot open /nonexistent/tty") != std::string::npos);
}
