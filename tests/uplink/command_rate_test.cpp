// The command rate limit on its own clock: what a platform sending steadily, bunched by a 4G
// link, or flooding gets through.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "uplink/command_rate.h"

using farmgate::uplink::CommandRate;
using namespace std::chrono_literals;

TEST_CASE("nine commands a second are all taken when the link holds each up to a second",
          "[commands][rate]") {
  // Sent 111 ms apart, each delivered up to 0.95 s late (a 4G link that buffers and then
  // releases several together): any stretch of L seconds sees at most 9L+10 of them, which
  // a bucket of 10 refilled at 10/s always admits. A fixed one-second window did not.
  CommandRate rate(10);
  const auto start = CommandRate::Clock::time_point{} + 1h;
  std::mt19937 random(7);
  std::uniform_int_distribution<int> delay_ms(0, 950);
  std::vector<CommandRate::Clock::time_point> arrivals;
  for (int i = 0; i < 600; ++i)
    arrivals.push_back(start + i * 111ms + std::chrono::milliseconds(delay_ms(random)));
  std::sort(arrivals.begin(), arrivals.end());
  int refused = 0;
  for (auto t : arrivals) refused += !rate.take(t);
  CHECK(refused == 0);
}

TEST_CASE("steady commands below the rate, with jitter, are never refused", "[commands][rate]") {
  CommandRate rate(10);
  auto t = CommandRate::Clock::time_point{} + 1h;
  int refused = 0;
  for (int i = 0; i < 900; ++i) {
    // 111 ms apart on average; every fifth one is late by 300 ms and the next four catch up.
    const auto jitter = (i % 5 == 0) ? 300ms : -75ms;
    refused += !rate.take(t + jitter);
    t += 111ms;
  }
  CHECK(refused == 0);
}

TEST_CASE("a flood gets one burst through, then the rate, and the first refusal is marked",
          "[commands][rate]") {
  CommandRate rate(10);
  auto t = CommandRate::Clock::time_point{} + 1h;
  int taken = 0, first_refusals = 0;
  for (int i = 0; i < 40; ++i) {
    if (rate.take(t)) ++taken;
    else first_refusals += rate.first_refusal();
  }
  CHECK(taken == 10);
  CHECK(first_refusals == 1);
  t += 1s;  // a second later a full burst again
  for (int i = 0; i < 12; ++i) taken += rate.take(t);
  CHECK(taken == 20);
  t += 100ms;  // one token back
  CHECK(rate.take(t));
  CHECK_FALSE(rate.take(t));
  CHECK(rate.first_refusal());  // a new streak after a taken command
}

TEST_CASE("a clock that steps back never adds tokens", "[commands][rate]") {
  CommandRate rate(2);
  auto t = CommandRate::Clock::time_point{} + 1h;
  CHECK(rate.take(t));
  CHECK(rate.take(t));
  CHECK_FALSE(rate.take(t - 10s));
  CHECK_FALSE(rate.take(t - 10s));
  CHECK_FALSE(rate.take(t));  // back where it was: the 10 s it went back are no refill
  CHECK(rate.take(t + 500ms));  // half a second forward: one token (2/s)
}
