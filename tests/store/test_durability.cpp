// kill -9 at a random moment (spec §6): every acknowledged commit survives, the file is
// intact, commits are all-or-nothing (seqs without holes), and numbering continues.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <random>

#include "common/event.h"
#include "store/sqlite_store.h"
#include "tests/store/store_helpers.h"

using namespace farmgate;
using farmgate::test::TempDir;

namespace {

constexpr int kPerCommit = 7;  // readings per commit, with one event

// Child: commits forever, writing one byte to `fd` after each commit() that returned true.
[[noreturn]] void commit_forever(const config::Storage& opts, int fd) {
  try {
    auto s = test::open_store(opts);
    for (std::int64_t i = 0;; ++i) {
      for (int k = 0; k < kPerCommit; ++k) s->add(test::reading_no(i));
      s->add(config_event(test::kT0, true, "tick"));
      if (!s->commit()) _exit(3);
      char c = 'c';
      if (write(fd, &c, 1) != 1) _exit(4);
    }
  } catch (...) {
    _exit(2);
  }
}

// Runs the child until it acknowledged some commits, kills it, returns the acknowledged count.
std::int64_t run_and_kill(const config::Storage& opts, std::mt19937& rng) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    commit_forever(opts, fds[1]);
  }
  close(fds[1]);
  const std::int64_t wait_for = 5 + static_cast<std::int64_t>(rng() % 60);
  std::int64_t acked = 0;
  char buf[256];
  while (acked < wait_for) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    acked += n;
  }
  usleep(rng() % 4000);  // somewhere inside a later commit, or between two
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) acked += n;
  close(fds[0]);
  CHECK(WIFSIGNALED(status));
  return acked;
}

}  // namespace

TEST_CASE("commits survive kill -9 at a random moment, whole and without holes", "[store]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  std::mt19937 rng(std::random_device{}());
  std::int64_t acked_total = 0;
  for (int round = 0; round < 4; ++round) {
    acked_total += run_and_kill(opts, rng);
    auto s = test::open_store(opts);
    auto& sq = dynamic_cast<store::SqliteStore&>(*s);
    CHECK(sq.db().query_text("PRAGMA integrity_check").value_or("") == "ok");
    auto readings = s->unsent_readings(0, 1000000);
    auto events = s->unsent_events(0, 1000000);
    const auto n = static_cast<std::int64_t>(readings.size());
    INFO("round " << round << ": " << acked_total << " commits acknowledged, " << n
                  << " readings found");
    CHECK(n >= acked_total * kPerCommit);  // nothing acknowledged was lost
    CHECK(n % kPerCommit == 0);            // no half commit
    CHECK(static_cast<std::int64_t>(events.size()) * kPerCommit == n);
    for (std::int64_t i = 0; i < n; ++i) REQUIRE(readings[i].seq == i + 1);
    for (std::size_t i = 0; i < events.size(); ++i)
      REQUIRE(events[i].seq == static_cast<std::int64_t>(i) + 1);
    acked_total = n / kPerCommit;  // the next round's child continues from here
  }
  auto s = test::open_store(opts);
  const auto n = static_cast<std::int64_t>(s->unsent_readings(0, 1000000).size());
  test::add_and_commit(*s, 1, 1);
  CHECK(s->unsent_readings(n, 10).at(0).seq == n + 1);
}
