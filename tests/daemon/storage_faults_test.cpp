// The buffer under attack (spec §7), end to end with the real daemon, mosquitto and farmsim:
// a state folder lost between runs or under the running daemon, a buffer file replaced by an
// old copy, a full disk (a small tmpfs). Seqs are what the platform sees on MQTT.
#include <signal.h>
#include <sys/mount.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "tests/daemon/payload_checks.h"
#include "tests/daemon/site.h"

using namespace farmgate::test;
namespace fs = std::filesystem;

namespace {

// No seq carries two readings: every copy of a seq the platform got (at-least-once delivery
// repeats some) names the same point and ts.
void check_one_reading_per_seq(const Probe& probe) {
  std::map<std::int64_t, std::string> seen;
  for (const auto& r : telemetry_readings(probe)) {
    const std::string who = r["point"].get<std::string>() + "@" + r["ts"].dump();
    auto [it, fresh] = seen.emplace(r["seq"].get<std::int64_t>(), who);
    INFO("seq " << it->first);
    if (!fresh) CHECK(it->second == who);
  }
}

std::vector<json> storage_faults(const Probe& probe) {
  std::vector<json> out;
  for (const auto& e : events_of(probe, "fault"))
    if (e["source"] == "storage") out.push_back(e);
  return out;
}

// A tmpfs of `size` mounted on `dir` for the scope (tests run as root).
class Tmpfs {
 public:
  Tmpfs(const std::string& dir, const std::string& size) : dir_(dir) {
    fs::create_directories(dir);
    mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

 private:
  std::string dir_;
  bool mounted_ = false;
};

// Writes `path` until the filesystem is full; returns the bytes written.
std::size_t fill(const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  const std::string chunk(4096, 'x');
  std::size_t written = 0;
  while (out.write(chunk.data(), static_cast<std::streamsize>(chunk.size())) && out.flush())
    written += chunk.size();
  return written;
}

}  // namespace

TEST_CASE("a state folder lost between two runs: the second run's seqs exceed the first's",
          "[daemon][storage]") {
  Site site;
  const std::string state = site.dir().file("state");
  fs::create_directory(state);
  GatewayOptions options;
  options.storage_path = state + "/buffer.db";
  site.write_config(options);
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");

  auto first = site.start_daemon();
  INFO(read_file(site.log_path()));
  REQUIRE(wait_until([&] { return reading_seqs(probe).size() >= 10; }, std::chrono::seconds(10)));
  REQUIRE(terminate(*first) == 0);
  const auto first_run = reading_seqs(probe);

  fs::remove_all(state);  // by hand, or `apt purge` + reinstall (tmpfiles makes it again)
  fs::create_directory(state);
  auto second = site.start_daemon();
  REQUIRE(wait_until([&] { return reading_seqs(probe).size() >= first_run.size() + 10; },
                     std::chrono::seconds(10)));
  REQUIRE(terminate(*second) == 0);

  std::size_t second_run = 0;
  for (auto seq : reading_seqs(probe)) {
    if (first_run.count(seq)) continue;
    ++second_run;
    CHECK(seq > *first_run.rbegin());
  }
  CHECK(second_run >= 10);
  check_one_reading_per_seq(probe);
}

TEST_CASE("a buffer deleted or replaced under the running daemon: storage fault, a fresh "
          "buffer, seqs go on above the old ones",
          "[daemon][storage]") {
  Site site;
  const std::string state = site.dir().file("state");
  fs::create_directory(state);
  GatewayOptions options;
  options.storage_path = state + "/buffer.db";
  site.write_config(options);
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  REQUIRE(wait_until([&] { return reading_seqs(probe).size() >= 10; }, std::chrono::seconds(10)));

  std::string expected;
  SECTION("the state folder deleted (rm -r)") {
    fs::remove_all(state);
    expected = "was deleted";
  }
  SECTION("the buffer replaced by an old copy of itself (a restore)") {
    // An old copy, taken a while ago, put in place by rename.
    const std::string copy = site.dir().file("old-copy.db");
    REQUIRE(run_command({"sqlite3", options.storage_path, "VACUUM INTO '" + copy + "'"}) == 0);
    REQUIRE(wait_until([&] { return reading_seqs(probe).size() >= 20; },
                       std::chrono::seconds(10)));
    fs::rename(copy, options.storage_path);
    expected = "was replaced by another file";
  }
  const std::int64_t before = newest_seq(probe);
  REQUIRE(wait_until([&] { return !storage_faults(probe).empty(); }, std::chrono::seconds(10)));
  CHECK(storage_faults(probe).front()["message"].get<std::string>().find(expected) !=
        std::string::npos);
  const std::size_t so_far = reading_seqs(probe).size();
  REQUIRE(wait_until([&] { return reading_seqs(probe).size() >= so_far + 10; },
                     std::chrono::seconds(10)));
  CHECK(daemon->running());
  REQUIRE(terminate(*daemon) == 0);

  CHECK(integrity_check(options.storage_path) == "ok");
  auto seqs = reading_seqs(probe);
  CHECK(contiguous(seqs));  // nothing lost around the replacement
  CHECK(*seqs.rbegin() > before);
  check_one_reading_per_seq(probe);
  // What came after the replacement was committed to the new file at the path.
  CHECK(max_reading_seq(options.storage_path) >= *seqs.rbegin());
}

TEST_CASE("a full disk shows as buffer.fault in status, readings wait in memory, and a stop with "
          "uncommitted readings exits non-zero and says how many were lost",
          "[daemon][storage]") {
  Site site;
  const std::string state = site.dir().file("state");
  Tmpfs tmpfs(state, "16m");
  REQUIRE(tmpfs.mounted());
  GatewayOptions options;
  options.storage_path = state + "/buffer.db";
  site.write_config(options);
  Probe probe(site.broker().url(), std::string(kTopicBase) + "#");
  auto daemon = site.start_daemon();
  INFO(read_file(site.log_path()));
  REQUIRE(wait_until([&] { return reading_seqs(probe).size() >= 5; }, std::chrono::seconds(10)));

  // The disk fills up: commits fail, the fault shows in the periodic status.
  const std::string filler = state + "/filler";
  REQUIRE(fill(filler) > 0);
  const auto fault_in_status = [&] {
    auto s = latest_periodic_status(probe);
    return s && (*s)["buffer"]["fault"].is_object();
  };
  REQUIRE(wait_until(fault_in_status, std::chrono::seconds(10)));
  json fault = (*latest_periodic_status(probe))["buffer"]["fault"];
  CHECK(fault["message"].get<std::string>().find("cannot write the buffer " +
                                                 options.storage_path) == 0);
  CHECK(is_epoch_ms(fault["since"]));
  const std::int64_t full_since = fault["since"].get<std::int64_t>();

  // Room again: what waited in memory is committed and delivered, the fault clears.
  fs::remove(filler);
  REQUIRE(wait_until(
      [&] {
        auto s = latest_periodic_status(probe);
        return s && (*s)["buffer"]["fault"].is_null();
      },
      std::chrono::seconds(10)));
  REQUIRE(wait_until(
      [&] {
        for (const auto& r : telemetry_readings(probe))
          if (r["ts"].get<std::int64_t>() > full_since) return true;
        return false;
      },
      std::chrono::seconds(10)));
  CHECK(contiguous(reading_seqs(probe)));
  // The fault event itself waited in memory too, and arrives now.
  REQUIRE(wait_until([&] { return !storage_faults(probe).empty(); }, std::chrono::seconds(10)));

  // Full again, and a stop: what cannot be committed is lost, and the exit says so.
  REQUIRE(fill(filler) > 0);
  REQUIRE(wait_until(
      [&] {
        auto s = latest_periodic_status(probe);
        return s && (*s)["buffer"]["fault"].is_object() &&
               (*s)["buffer"]["fault"]["since"].get<std::int64_t>() > full_since;
      },
      std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a few more polls wait
  CHECK(terminate(*daemon) == 1);
  const std::string log = read_file(site.log_path());
  const auto at = log.find("stopped with ");
  REQUIRE(at != std::string::npos);
  CHECK(std::stoll(log.substr(at + 13)) > 0);
  CHECK(log.find("could not be committed", at) != std::string::npos);
}
