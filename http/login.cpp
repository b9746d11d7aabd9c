#include "http/login.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <stdexcept>

namespace farmgate::http {
namespace {

std::string random_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes for a session");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

}  // namespace

bool same_secret(const std::string& a, const std::string& b) {
  unsigned char da[SHA256_DIGEST_LENGTH], db[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), da);
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), db);
  return CRYPTO_memcmp(da, db, sizeof da) == 0;
}

Logins::Logins(std::string password, Limits limits) : password_(std::move(password)), limits_(limits) {}

std::optional<std::chrono::seconds> Logins::limited(const std::string& client, Clock::time_point now) {
  while (!failures_.empty() && now - failures_.front().first >= limits_.failure_window) failures_.pop_front();
  int mine = 0;
  for (const auto& f : failures_) mine += f.second == client;
  if (mine < limits_.failures_per_client && static_cast<int>(failures_.size()) < limits_.failures_total)
    return std::nullopt;
  // Free again when the oldest failure that counts leaves the window.
  Clock::time_point oldest = failures_.front().first;
  if (static_cast<int>(failures_.size()) < limits_.failures_total)
    for (const auto& f : failures_)
      if (f.second == client) {
        oldest = f.first;
        break;
      }
  auto left = std::chrono::duration_cast<std::chrono::seconds>(oldest + limits_.failure_window - now);
  return std::max(left, std::chrono::seconds(1));
}

Logins::Result Logins::login(const std::string& client, const std::string& password,
                             Clock::time_point now) {
  Result r;
  if (!enabled()) {
    r.kind = Result::Kind::disabled;
    return r;
  }
  if (auto wait = limited(client, now)) {
    r.kind = Result::Kind::limited;
    r.retry_after = *wait;
    return r;
  }
  if (!same_secret(password, password_)) {
    failures_.emplace_back(now, client);
    r.kind = Result::Kind::wrong;
    return r;
  }
  for (auto it = sessions_.begin(); it != sessions_.end();)
    it = it->second <= now ? sessions_.erase(it) : std::next(it);
  while (sessions_.size() >= limits_.max_sessions) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(),
                                   [](const auto& a, const auto& b) { return a.second < b.second; });
    sessions_.erase(oldest);
  }
  r.kind = Result::Kind::ok;
  r.token = random_token();
  sessions_[r.token] = now + limits_.lifetime;
  return r;
}

bool Logins::valid(const std::string& token, Clock::time_point now) {
  auto it = sessions_.find(token);
  if (it == sessions_.end()) return false;
  if (it->second <= now) {
    sessions_.erase(it);
    return false;
  }
  return true;
}

}  // namespace farmgate::http
