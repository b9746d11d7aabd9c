#include "tests/http/client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace farmgate::test {
namespace {

HttpReply exchange(int fd, const std::string& text) {
  HttpReply r;
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::send(fd, text.data(), text.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(text.size())) {
    ::close(fd);
    return r;
  }
  std::string in;
  char buf[16384];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    in.append(buf, static_cast<size_t>(n));
    const auto end = in.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    // Content-Length tells when the answer is complete (the server may keep the connection).
    std::string lower = in.substr(0, end);
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    const auto cl = lower.find("content-length:");
    if (cl != std::string::npos && in.size() >= end + 4 + std::stoul(lower.substr(cl + 15))) break;
  }
  ::close(fd);
  const auto end = in.find("\r\n\r\n");
  if (in.rfind("HTTP/1.", 0) != 0 || end == std::string::npos) return r;
  r.status = std::stoi(in.substr(9, 3));
  std::size_t pos = in.find("\r\n") + 2;
  while (pos < end) {
    const auto eol = in.find("\r\n", pos);
    const std::string line = in.substr(pos, eol - pos);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
    }
    pos = eol + 2;
  }
  r.body = in.substr(end + 4);
  return r;
}

std::string request_text(const HttpRequest& req, const std::string& host) {
  std::string t = req.method + " " + req.path + " HTTP/1.1\r\n";
  if (!req.headers.count("Host")) t += "Host: " + host + "\r\n";
  for (const auto& [k, v] : req.headers) t += k + ": " + v + "\r\n";
  if (!req.body.empty() || req.method == "POST") t += "Content-Length: " + std::to_string(req.body.size()) + "\r\n";
  t += "Connection: close\r\n\r\n" + req.body;
  return t;
}

}  // namespace

HttpReply http_call(int port, const HttpRequest& req) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return {};
  }
  return exchange(fd, request_text(req, "127.0.0.1:" + std::to_string(port)));
}

HttpReply http_post(int port, const std::string& path, const std::string& json, const std::string& cookie) {
  HttpRequest req;
  req.method = "POST";
  req.path = path;
  req.body = json;
  req.headers["Content-Type"] = "application/json";
  if (!cookie.empty()) req.headers["Cookie"] = cookie;
  return http_call(port, req);
}

std::string session_cookie(const HttpReply& r) {
  auto it = r.headers.find("set-cookie");
  if (it == r.headers.end()) return "";
  return it->second.substr(0, it->second.find(';'));
}

void raise_fd_limit() {
  rlimit l{};
  if (::getrlimit(RLIMIT_NOFILE, &l) == 0 && l.rlim_cur < l.rlim_max) {
    l.rlim_cur = l.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &l);
  }
}

HttpReply unix_get(const std::string& socket_path, const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, socket_path.c_str(), sizeof a.sun_path - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return {};
  }
  HttpRequest req;
  req.path = path;
  return exchange(fd, request_text(req, "localhost"));
}

}  // namespace farmgate::test
