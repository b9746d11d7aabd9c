// The files the .deb installs around the binary (systemd/): the unit as systemd reads it and
// scores it, the sysusers.d entry, and the default /etc/farmgate/farmgate.yaml.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "tests/deploy/notify_listener.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

using namespace farmgate::test;

namespace {

const std::string kSystemd = std::string(FARMGATE_SOURCE_DIR) + "/systemd/";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}


}  // namespace

TEST_CASE("systemd-analyze verify accepts the unit without a warning", "[deploy][unit]") {
  TempDir dir("deploy");
  // The installed path of the binary does not exist here: point the copy at the built one.
  std::string unit = dir.write(
      "farmgate.service",
      replace_all(read_file(kSystemd + "farmgate.service"), "/usr/bin/farmgate", built_binary("farmgate")));
  std::string out;
  CHECK(run_command({"systemd-analyze", "verify", unit}, &out) == 0);
  CHECK(out == "");
}

TEST_CASE("the unit's exposure score is at most 2.0 and serial ports stay reachable",
          "[deploy][unit]") {
  std::string out;
  REQUIRE(run_command({"systemd-analyze", "security", "--offline=true", "--no-pager",
                       kSystemd + "farmgate.service"},
                      &out) == 0);
  std::smatch m;
  REQUIRE(std::regex_search(out, m, std::regex(R"(Overall exposure level for farmgate\.service: ([0-9.]+))")));
  INFO(out);
  CHECK(std::stod(m[1]) <= 2.0);

  // Hardening must not lock out what the daemon is for: RS-485 adapters and the network.
  std::string unit = read_file(kSystemd + "farmgate.service");
  CHECK_FALSE(has_line(unit, "PrivateDevices=yes"));
  CHECK_FALSE(has_line(unit, "PrivateNetwork=yes"));
  CHECK(has_line(unit, "SupplementaryGroups=dialout"));
  for (const char* tty : {"ttyS", "ttyUSB", "ttyACM", "ttyAMA"})
    CHECK(has_line(unit, std::string("DeviceAllow=char-") + tty + " rw"));
  CHECK(has_line(unit, "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX"));
  CHECK(has_line(unit, "Type=notify"));
  CHECK(has_line(unit, "RestartPreventExitStatus=2"));
}

TEST_CASE("sysusers.d creates the farmgate account and puts it in dialout", "[deploy][unit]") {
  TempDir root("deploy-root");
  mkdir(root.file("etc").c_str(), 0755);
  root.write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
  root.write("etc/group", "root:x:0:\ndialout:x:20:\n");
  std::string out;
  REQUIRE(run_command({"systemd-sysusers", "--root=" + root.path(), "--dry-run",
                       kSystemd + "farmgate.sysusers"},
                      &out) == 0);
  INFO(out);
  CHECK(out.find("Creating user 'farmgate'") != std::string::npos);
  CHECK(out.find("group 'dialout'") == std::string::npos);  // exists: reused, not created

  // For real into the scratch root: the membership line lands in /etc/group.
  REQUIRE(run_command({"systemd-sysusers", "--root=" + root.path(), kSystemd + "farmgate.sysusers"},
                      &out) == 0);
  std::string group = read_file(root.file("etc/group"));
  CHECK(std::regex_search(group, std::regex("(^|\n)dialout:x:20:farmgate\n")));
  CHECK(std::regex_search(read_file(root.file("etc/passwd")),
                          std::regex("(^|\n)farmgate:x:[0-9]+:[0-9]+:[^:]*:/var/lib/farmgate:")));
}

TEST_CASE("the default /etc/farmgate/farmgate.yaml and its commented example pass check",
          "[deploy][config]") {
  TempDir dir("deploy");
  mkdir(dir.file("rules.d").c_str(), 0755);  // as the package ships it: empty
  const std::string shipped = read_file(kSystemd + "farmgate.yaml");
  std::string out;
  CHECK(run_command({built_binary("farmgate"), "check", "-c", dir.write("farmgate.yaml", shipped)},
                    &out) == 0);
  INFO(out);

  // Uncommenting the buses: and devices: blocks, as the comment invites, gives a valid file.
  std::string example;
  bool in_example = false;
  for (const auto& line : lines_of(shipped)) {
    if (line == "# buses:") in_example = true;
    example += (in_example && line.rfind("# ", 0) == 0 ? line.substr(2) : line) + "\n";
  }
  REQUIRE(example.find("\nbuses:\n") != std::string::npos);
  REQUIRE(example.find("\ndevices:\n") != std::string::npos);
  CHECK(run_command({built_binary("farmgate"), "check", "-c", dir.write("example.yaml", example)},
                    &out) == 0);
  INFO(out);
  CHECK(out.find("1 bus, 1 device,") != std::string::npos);
}
