// A buffer disk that fills up at run time (a small tmpfs, filled by the test): the daemon
// reports a `storage` fault, keeps running, and local control goes on (the aerator rule still
// drives the coil). Needs root to mount the tmpfs; without it the test says so and passes
// nothing off as checked (it fails, to be seen).
#include <sys/mount.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>
#include <vector>

#include "tests/daemon/payload_checks.h"
#include "tests/daemon/site.h"

using namespace farmgate::test;

namespace {

struct Tmpfs {
  explicit Tmpfs(std::string at) : path(std::move(at)) {
    std::filesystem::create_directories(path);
    ok = ::mount("tmpfs", path.c_str(), "tmpfs", 0, "size=4m") == 0;
    if (!ok) error = std::strerror(errno);
  }
  ~Tmpfs() {
    if (ok) ::umount2(path.c_str(), MNT_DETACH);
  }
  std::string path, error;
  bool ok = false;
};

// Writes zeros into `file` until the disk refuses.
void fill(const std::string& file) {
  std::FILE* f = std::fopen(file.c_str(), "wb");
  REQUIRE(f);
  std::vector<char> block(64 * 1024, 0);
  while (std::fwrite(block.data(), 1, block.size(), f) == block.size() && std::fflush(f) == 0) {
  }
  std::fclose(f);
  // Whatever is left, byte by byte.
  f = std::fopen(file.c_str(), "ab");
  while (f && std::fputc(0, f) != EOF && std::fflush(f) == 0) {
  }
  if (f) std::fclose(f);
}

}  // namespace

TEST_CASE("a full buffer disk draws a storage fault while control keeps driving the aerator",
          "[robustness][storage]") {
  Site site;
  Tmpfs disk(site.dir().file("disk"));
  INFO("mount tmpfs: " << disk.error);
  REQUIRE(disk.ok);  // root needed (CI runs as root)

  GatewayOptions o;
  o.rules_yaml = kAeratorRule;
  const std::string db = disk.path + "/buffer.db";
  std::string yaml = read_file(site.write_config(o));
  yaml = std::regex_replace(yaml, std::regex(site.db_path()), db);
  site.dir().write("farmgate.yaml", yaml);

  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  REQUIRE(wait_until([&] { return reading_seqs(probe).size() > 5; }, std::chrono::seconds(15)));
  REQUIRE_FALSE(site.coil(1, 0));

  fill(disk.path + "/filler");
  // The daemon notices at its next commits; then oxygen drops and the rule must still act.
  REQUIRE(wait_until([&] { return read_file(site.log_path()).find("cannot commit") !=
                                  std::string::npos; },
                     std::chrono::seconds(15)));
  site.control("set 2 holding 0 float32:3.0");
  CHECK(wait_until([&] { return site.coil(1, 0); }, std::chrono::seconds(15)));
  REQUIRE(daemon->running());

  // Space again: the queued storage fault reaches the platform, the daemon never stopped.
  std::filesystem::remove(disk.path + "/filler");
  CHECK(wait_until(
      [&] {
        for (const auto& e : events_of(probe, "fault"))
          if (e["source"] == "storage") return true;
        return false;
      },
      std::chrono::seconds(20)));
  CHECK(daemon->running());
  CHECK(terminate(*daemon) == 0);
  CHECK(integrity_check(db) == "ok");
}
