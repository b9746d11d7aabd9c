// The harness itself (process.h): a child is ours from the first instant, whatever the test
// process has installed.
#include <signal.h>

#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <thread>

#include "tests/support/process.h"

using namespace farmgate::test;

// A signal can reach the child between fork() and exec(), even inside fork() before glibc
// has reset malloc's locks in the child. The test binary's own handler (Catch2 reports fatal
// signals) must not run there: it allocates and deadlocks, and the "daemon" never exits.
// glibc holds those locks across fork() only in a process with threads, as every test with a
// probe or a broker client is: one more thread here.
TEST_CASE("a child signalled the moment it is started dies of that signal and never hangs",
          "[support][process]") {
  std::atomic<bool> done{false};
  std::thread other([&] {
    while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  });
  struct Join {
    std::atomic<bool>& done;
    std::thread& t;
    ~Join() {
      done = true;
      t.join();
    }
  } join{done, other};
  for (int round = 0; round < 200; ++round) {
    INFO("round " << round);
    Process child({"sleep", "30"});
    child.signal(SIGTERM);
    REQUIRE(child.wait(std::chrono::seconds(5)) == 128 + SIGTERM);
  }
}

TEST_CASE("a child keeps the signals the test process ignores ignored, as exec does",
          "[support][process]") {
  struct sigaction ignore = {};
  struct sigaction previous = {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGUSR2, &ignore, &previous);
  Process child({"sleep", "30"});
  child.signal(SIGUSR2);
  CHECK(child.wait(std::chrono::milliseconds(300)) == -1);
  CHECK(child.running());
  sigaction(SIGUSR2, &previous, nullptr);
}
