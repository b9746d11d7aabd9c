#include <catch2/catch.hpp>

#include "drivers/modbus/backoff.h"

using namespace farmgate;
using namespace std::chrono_literals;
using modbus::Backoff;

TEST_CASE("backoff doubles from the poll period up to the cap", "[backoff]") {
  Backoff b(10s, 60s);
  const SteadyTime t0{};
  CHECK_FALSE(b.backing_off());
  CHECK(b.failure(t0) == t0 + 10s);
  CHECK(b.failure(t0) == t0 + 20s);
  CHECK(b.failure(t0) == t0 + 40s);
  CHECK(b.failure(t0) == t0 + 60s);
  CHECK(b.failure(t0) == t0 + 60s);
  CHECK(b.failures() == 5);
  for (int i = 0; i < 100; ++i) b.failure(t0);  // no overflow however long it stays dead
  CHECK(b.delay() == 60s);
}

TEST_CASE("a success resets the backoff", "[backoff]") {
  Backoff b(2s);
  const SteadyTime t0{};
  b.failure(t0);
  b.failure(t0);
  b.success();
  CHECK_FALSE(b.backing_off());
  CHECK(b.failure(t0) == t0 + 2s);
}

TEST_CASE("a poll period longer than the cap is not shortened", "[backoff]") {
  Backoff b(10min, 5min);
  CHECK(b.failure(SteadyTime{}) == SteadyTime{} + 10min);
}

TEST_CASE("a dead device is tried far less often than a live one polls", "[backoff]") {
  // Virtual clock: 10 minutes of a device polled every 10 s that never answers.
  Backoff b(10s);
  SteadyTime now{}, next{};
  const SteadyTime end = now + 10min;
  int attempts = 0;
  while (next < end) {
    now = next;
    ++attempts;
    next = b.failure(now);
  }
  // Attempts at 0, 10, 30, 70, 150, 310 s; then every 5 min (610 s is past the end).
  CHECK(attempts == 6);
}
