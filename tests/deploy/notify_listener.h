// systemd's end of the sd_notify protocol, for tests: a unix datagram socket that a child
// finds through NOTIFY_SOCKET, and the messages ("READY=1\nSTATUS=...") it sent, in order.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace farmgate::test {

class NotifyListener {
 public:
  explicit NotifyListener(std::string path);  // binds; throws std::runtime_error on failure
  ~NotifyListener();
  NotifyListener(const NotifyListener&) = delete;
  NotifyListener& operator=(const NotifyListener&) = delete;

  const std::string& path() const { return path_; }
  // Receives until a message has the line `line` (e.g. "READY=1") or the timeout passes;
  // true when it came. Every message received is kept in messages().
  bool wait_for(const std::string& line, std::chrono::milliseconds timeout);
  // The same for the first line for which `match` is true; that line goes to *found.
  bool wait_for_line(const std::function<bool(const std::string&)>& match,
                     std::chrono::milliseconds timeout, std::string* found = nullptr);
  // Messages with the line `line` among those received so far.
  size_t count(const std::string& line) const;
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  bool receive(std::chrono::milliseconds timeout);  // one datagram, or false on timeout
  std::string path_;
  int fd_ = -1;
  std::vector<std::string> messages_;
};

// True when `message` (lines separated by '\n') has exactly the line `line`.
bool has_line(const std::string& message, const std::string& line);

}  // namespace farmgate::test
