// Logins of the on-site page (spec §9): one password (http.password_file), sessions with a
// fixed lifetime, and a limit on wrong passwords so a phone on the LAN cannot guess it.
//
//  - The password is compared in constant time (SHA-256 of both, then CRYPTO_memcmp: neither
//    the content nor the length of the stored password leaks through timing).
//  - A session is 32 random bytes (RAND_bytes) in hex; it lives `lifetime` from the login,
//    not extended by use (a phone left on the pond bank logs itself out). At most
//    `max_sessions`; a new login evicts the oldest.
//  - Wrong passwords: at most `failures_per_client` per client address and
//    `failures_total` over all clients within `failure_window`; past either, every login
//    (right or wrong) is refused until the window has passed, so guessing costs a window per
//    few tries. The global bound stops an attacker who changes addresses; it can lock the
//    technician out for one window, which is the price of it (SSH still works).
// Not thread-safe: the HTTP server's thread owns it. Time is passed in (tests use a virtual clock).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>

namespace farmgate::http {

class Logins {
 public:
  using Clock = std::chrono::steady_clock;
  struct Limits {
    std::chrono::seconds lifetime{15 * 60};
    std::size_t max_sessions = 16;
    int failures_per_client = 5;
    int failures_total = 20;
    std::chrono::seconds failure_window{60};
  };
  struct Result {
    enum class Kind { ok, wrong, limited, disabled } kind = Kind::wrong;
    std::string token;                 // ok
    std::chrono::seconds retry_after{0};  // limited
  };

  // `password` empty: logins are disabled (the page stays read-only).
  Logins(std::string password, Limits limits);

  Result login(const std::string& client, const std::string& password, Clock::time_point now);
  bool valid(const std::string& token, Clock::time_point now);
  void logout(const std::string& token) { sessions_.erase(token); }
  std::chrono::seconds lifetime() const { return limits_.lifetime; }
  bool enabled() const { return !password_.empty(); }

 private:
  std::optional<std::chrono::seconds> limited(const std::string& client, Clock::time_point now);

  std::string password_;
  Limits limits_;
  std::map<std::string, Clock::time_point> sessions_;  // token -> expiry
  std::deque<std::pair<Clock::time_point, std::string>> failures_;  // (when, client), oldest first
};

// True when a == b, in time that depends on neither's content nor length.
bool same_secret(const std::string& a, const std::string& b);

}  // namespace farmgate::http
