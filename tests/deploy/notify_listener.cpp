#include "tests/deploy/notify_listener.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <sstream>
#include <stdexcept>

namespace farmgate::test {

NotifyListener::NotifyListener(std::string path) : path_(std::move(path)) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.size() >= sizeof(addr.sun_path)) throw std::runtime_error("socket path too long");
  std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
  fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
    throw std::runtime_error("notify socket " + path_ + ": " + std::strerror(errno));
}

NotifyListener::~NotifyListener() {
  if (fd_ >= 0) close(fd_);
  unlink(path_.c_str());
}

bool NotifyListener::receive(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char buf[4096];
  ssize_t n = recv(fd_, buf, sizeof(buf), 0);
  if (n < 0) return false;
  messages_.emplace_back(buf, static_cast<size_t>(n));
  return true;
}

bool NotifyListener::wait_for(const std::string& line, std::chrono::milliseconds timeout) {
  return wait_for_line([&](const std::string& l) { return l == line; }, timeout);
}

bool NotifyListener::wait_for_line(const std::function<bool(const std::string&)>& match,
                                   std::chrono::milliseconds timeout, std::string* found) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !receive(left)) return false;
    std::istringstream in(messages_.back());
    for (std::string l; std::getline(in, l);) {
      if (!match(l)) continue;
      if (found) *found = l;
      return true;
    }
  }
}

size_t NotifyListener::count(const std::string& line) const {
  size_t n = 0;
  for (const auto& m : messages_) n += has_line(m, line) ? 1 : 0;
  return n;
}

bool has_line(const std::string& message, const std::string& line) {
  std::istringstream in(message);
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

}  // namespace farmgate::test
