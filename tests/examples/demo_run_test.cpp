// `tools/demo` end to end, as a user runs it (with --no-build on this build's binaries):
// it stops by itself after --duration with exit 0, its live view shows readings and at least
// one actuator change (the pond's aerator, driven by farmgate's rule on the simulated DO),
// and afterwards no process it started is left and its temp folder is gone.
#include <catch2/catch.hpp>
#include <dirent.h>
#include <signal.h>

#include <cerrno>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace farmgate::test {
namespace {

// Pids whose command line mentions `text`.
std::vector<int> processes_mentioning(const std::string& text) {
  std::vector<int> found;
  DIR* proc = opendir("/proc");
  if (!proc) return found;
  while (dirent* e = readdir(proc)) {
    int pid = std::atoi(e->d_name);
    if (pid <= 0) continue;
    std::ifstream f(std::string("/proc/") + e->d_name + "/cmdline");
    std::string cmd((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (cmd.find(text) != std::string::npos) found.push_back(pid);
  }
  closedir(proc);
  return found;
}

bool folder_is_empty(const std::string& path) {
  DIR* d = opendir(path.c_str());
  if (!d) return false;
  int entries = 0;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    entries += name != "." && name != "..";
  }
  closedir(d);
  return entries == 0;
}

TEST_CASE("tools/demo shows readings and an aerator change, then stops everything it started") {
  TempDir tmp("farmgate-demo-run");  // the demo's TMPDIR: its temp folder goes in here
  std::string out;
  int code = run_command({"env", "TMPDIR=" + tmp.path(),
                          std::string(FARMGATE_SOURCE_DIR) + "/tools/demo", "--no-build",
                          "--build-dir", FARMGATE_BINARY_DIR, "--speed", "300", "--duration",
                          "40s"},
                         &out, std::chrono::seconds(90));
  INFO(out);
  CHECK(code == 0);

  // A reading line of the pond (simulated time, label, DO with its unit, the aerator).
  CHECK(std::regex_search(
      out, std::regex(R"(\n\d\d:\d\d  pond1 +DO \d+\.\d\d mg/L .*\| aerator (ON|off))")));
  // The rule switched the aerator on when the simulated night pulled DO below 4 mg/L.
  CHECK(std::regex_search(
      out, std::regex(R"(\n\d\d:\d\d  >> pond1_relay\.aerator ON  \(rule aerate-low-oxygen\))")));

  // Every process group it announced is gone, and nothing mentions its temp folder.
  std::smatch m;
  REQUIRE(std::regex_search(out, m, std::regex("process groups:([^\n]*)")));
  std::string groups = m[1];
  std::regex pid_re("=([0-9]+)");
  int announced = 0;
  for (auto it = std::sregex_iterator(groups.begin(), groups.end(), pid_re);
       it != std::sregex_iterator(); ++it) {
    int pid = std::stoi((*it)[1]);
    ++announced;
    INFO("process group " << pid);
    CHECK((kill(-pid, 0) == -1 && errno == ESRCH));
  }
  CHECK(announced == 5);  // mosquitto, socat, farmsim, the live view, farmgate
  CHECK(processes_mentioning(tmp.path()).empty());
  CHECK(folder_is_empty(tmp.path()));
}

}  // namespace
}  // namespace farmgate::test
