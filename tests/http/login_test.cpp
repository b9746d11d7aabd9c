// Logins of the on-site page on a virtual clock: lifetime, the wrong-password limits, the
// secret comparison.
#include <catch2/catch.hpp>

#include "http/login.h"

using farmgate::http::Logins;
using Kind = Logins::Result::Kind;
using namespace std::chrono_literals;

namespace {
Logins::Limits limits() {
  Logins::Limits l;
  l.lifetime = 60s;
  l.failures_per_client = 3;
  l.failures_total = 5;
  l.failure_window = 30s;
  l.max_sessions = 2;
  return l;
}
}  // namespace

TEST_CASE("a session lives its lifetime from the login, then is gone", "[http][login]") {
  Logins logins("s3cret pond", limits());
  const auto t0 = Logins::Clock::time_point{} + 1000s;
  auto r = logins.login("10.0.0.5", "s3cret pond", t0);
  REQUIRE(r.kind == Kind::ok);
  REQUIRE(r.token.size() == 64);
  CHECK(logins.valid(r.token, t0 + 59s));
  CHECK_FALSE(logins.valid(r.token, t0 + 60s));
  CHECK_FALSE(logins.valid(r.token, t0 + 1s));  // gone for good, not revived
  CHECK_FALSE(logins.valid("", t0));
  CHECK_FALSE(logins.valid(std::string(64, '0'), t0));
}

TEST_CASE("a new login evicts the oldest session beyond the bound, and logout ends one", "[http][login]") {
  Logins logins("pw", limits());
  const auto t0 = Logins::Clock::time_point{} + 1000s;
  auto a = logins.login("c", "pw", t0), b = logins.login("c", "pw", t0 + 1s), c = logins.login("c", "pw", t0 + 2s);
  CHECK(a.token != b.token);
  CHECK_FALSE(logins.valid(a.token, t0 + 3s));
  CHECK(logins.valid(b.token, t0 + 3s));
  logins.logout(c.token);
  CHECK_FALSE(logins.valid(c.token, t0 + 3s));
}

TEST_CASE("wrong passwords lock a client out for the window, even with the right one", "[http][login]") {
  Logins logins("right", limits());
  const auto t0 = Logins::Clock::time_point{} + 1000s;
  for (int i = 0; i < 3; ++i) CHECK(logins.login("10.0.0.9", "guess" + std::to_string(i), t0 + 1s * i).kind == Kind::wrong);
  auto locked = logins.login("10.0.0.9", "right", t0 + 5s);
  CHECK(locked.kind == Kind::limited);
  CHECK(locked.retry_after == 25s);  // the first failure leaves the window at t0 + 30 s
  CHECK(logins.login("10.0.0.7", "right", t0 + 5s).kind == Kind::ok);  // another phone is not locked
  CHECK(logins.login("10.0.0.9", "right", t0 + 30s).kind == Kind::ok);
}

TEST_CASE("wrong passwords from many addresses hit the global bound", "[http][login]") {
  Logins logins("right", limits());
  const auto t0 = Logins::Clock::time_point{} + 1000s;
  for (int i = 0; i < 5; ++i) CHECK(logins.login("10.0.1." + std::to_string(i), "x", t0).kind == Kind::wrong);
  CHECK(logins.login("10.0.2.1", "right", t0 + 1s).kind == Kind::limited);
  CHECK(logins.login("10.0.2.1", "right", t0 + 31s).kind == Kind::ok);
}

TEST_CASE("without a password nobody logs in", "[http][login]") {
  Logins logins("", limits());
  CHECK(logins.login("c", "", Logins::Clock::now()).kind == Kind::disabled);
  CHECK_FALSE(logins.enabled());
}

TEST_CASE("secrets match only when content and length are equal", "[http][login]") {
  using farmgate::http::same_secret;
  CHECK(same_secret("abc", "abc"));
  CHECK_FALSE(same_secret("abc", "abd"));
  CHECK_FALSE(same_secret("abc", "abcd"));
  CHECK_FALSE(same_secret("", "a"));
  CHECK(same_secret(std::string("a\0b", 3), std::string("a\0b", 3)));
  CHECK_FALSE(same_secret(std::string("a\0b", 3), std::string("a\0c", 3)));
}
