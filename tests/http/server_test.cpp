// The page's HTTP server in-process, on 127.0.0.1, driven by plain HTTP: what a browser, a
// careless technician and an attacker on the LAN send it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "http/server.h"
#include "tests/http/client.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

using namespace farmgate;
using farmgate::test::http_call;
using farmgate::test::http_post;
using farmgate::test::HttpRequest;
using json = nlohmann::json;

namespace {

// A server with a fake loop: commands are recorded and answered ok (or refused for "bad.point").
struct Fixture {
  explicit Fixture(http::ServerLimits limits = {}) : server("pond-pass", sink(), limits) {
    server.listen_tcp("127.0.0.1", 0);
    server.listen_unix(dir.file("farmgate.sock"));
    server.publish(R"({"gateway":{"id":"gw"},"points":[]})");
    server.start();
    port = server.tcp_port();
  }
  http::Server::CommandSink sink() {
    return [this](std::string payload, http::Server::Done done) {
      std::lock_guard<std::mutex> lock(mutex);
      commands.push_back(json::parse(payload));
      const bool bad = commands.back().value("point", "") == "bad.point";
      done(bad ? json{{"ok", false}, {"error", "bad.point is not writable"}} : json{{"ok", true}});
    };
  }
  std::string login() {
    auto r = http_post(port, "/api/login", R"({"password":"pond-pass"})");
    REQUIRE(r.status == 200);
    return test::session_cookie(r);
  }
  std::size_t command_count() {
    std::lock_guard<std::mutex> lock(mutex);
    return commands.size();
  }
  test::TempDir dir;
  std::mutex mutex;
  std::vector<json> commands;
  http::Server server;
  int port = 0;
};

int connect_raw(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

TEST_CASE("the page and the status are served without login, read-only", "[http][server]") {
  Fixture f;
  auto page = http_call(f.port, HttpRequest{});
  REQUIRE(page.status == 200);
  CHECK(page.headers["content-type"].find("text/html") == 0);
  CHECK(page.body.find("<!DOCTYPE html>") == 0);
  CHECK(page.headers["content-security-policy"].find("default-src 'none'") == 0);
  // Self-contained: nothing is loaded from anywhere else.
  CHECK(page.body.find("http://") == std::string::npos);
  CHECK(page.body.find("https://") == std::string::npos);
  CHECK(page.body.find("src=") == std::string::npos);

  HttpRequest status;
  status.path = "/api/status";
  auto s = http_call(f.port, status);
  REQUIRE(s.status == 200);
  json j = json::parse(s.body);
  CHECK(j["gateway"]["id"] == "gw");
  CHECK(j["session"] == json({{"login", true}, {"logged_in", false}}));

  auto hold = http_post(f.port, "/api/hold", R"({"point":"r.aerator","value":true,"hold":"30m"})");
  CHECK(hold.status == 401);
  CHECK(f.command_count() == 0);
  HttpRequest file;
  file.path = "/etc/passwd";
  CHECK(http_call(f.port, file).status == 404);
  file.path = "/../../etc/passwd";
  CHECK(http_call(f.port, file).status == 404);
}

TEST_CASE("after login a hold and a release go out as §5 commands and come back answered", "[http][server]") {
  Fixture f;
  CHECK(http_post(f.port, "/api/login", R"({"password":"wrong"})").status == 401);
  const std::string cookie = f.login();
  REQUIRE(cookie.rfind("fg_session=", 0) == 0);
  HttpRequest status;
  status.path = "/api/status";
  status.headers["Cookie"] = cookie;
  CHECK(json::parse(http_call(f.port, status).body)["session"]["logged_in"] == true);

  auto hold = http_post(f.port, "/api/hold", R"({"point":"r.aerator","value":true,"hold":"30m","op":"status"})", cookie);
  CHECK(hold.status == 200);
  CHECK(json::parse(hold.body) == json({{"ok", true}}));
  auto release = http_post(f.port, "/api/release", R"({"point":"r.aerator"})", cookie);
  CHECK(release.status == 200);
  auto refused = http_post(f.port, "/api/hold", R"({"point":"bad.point","value":1,"hold":"1h"})", cookie);
  CHECK(refused.status == 422);
  CHECK(json::parse(refused.body)["error"] == "bad.point is not writable");

  std::lock_guard<std::mutex> lock(f.mutex);
  REQUIRE(f.commands.size() == 3);
  // The body cannot change the op: /api/hold is a set, whatever it says.
  CHECK(f.commands[0]["op"] == "set");
  CHECK(f.commands[0]["point"] == "r.aerator");
  CHECK(f.commands[0]["value"] == true);
  CHECK(f.commands[0]["hold"] == "30m");
  CHECK(f.commands[1]["op"] == "release");
  CHECK(f.commands[0]["id"] != f.commands[1]["id"]);
  CHECK(f.commands[0]["id"].get<std::string>().rfind("page-", 0) == 0);

  http_post(f.port, "/api/logout", "{}", cookie);
  CHECK(http_post(f.port, "/api/release", R"({"point":"r.aerator"})", cookie).status == 401);
}

TEST_CASE("a cross-site POST is refused even with the session cookie", "[http][server]") {
  Fixture f;
  const std::string cookie = f.login();
  auto post = [&](std::map<std::string, std::string> headers) {
    HttpRequest r;
    r.method = "POST";
    r.path = "/api/hold";
    r.body = R"({"point":"r.aerator","value":true,"hold":"30m"})";
    r.headers = std::move(headers);
    r.headers["Cookie"] = cookie;
    return http_call(f.port, r);
  };
  // What an HTML form on another site can send.
  CHECK(post({{"Content-Type", "application/x-www-form-urlencoded"}}).status == 403);
  CHECK(post({{"Content-Type", "text/plain"}}).status == 403);
  CHECK(post({{"Content-Type", "application/json"}, {"Origin", "http://evil.example"}}).status == 403);
  CHECK(post({{"Content-Type", "application/json"}, {"Sec-Fetch-Site", "cross-site"}}).status == 403);
  CHECK(f.command_count() == 0);
  CHECK(post({{"Content-Type", "application/json"},
              {"Origin", "http://127.0.0.1:" + std::to_string(f.port)},
              {"Sec-Fetch-Site", "same-origin"}})
            .status == 200);
  CHECK(f.command_count() == 1);
}

TEST_CASE("wrong passwords are answered 429 with Retry-After once over the limit", "[http][server]") {
  Fixture f;
  for (int i = 0; i < 5; ++i) CHECK(http_post(f.port, "/api/login", R"({"password":"guess"})").status == 401);
  auto limited = http_post(f.port, "/api/login", R"({"password":"pond-pass"})");
  CHECK(limited.status == 429);
  CHECK(std::stoi(limited.headers["retry-after"]) >= 1);
  CHECK(test::session_cookie(limited).empty());
  // Malformed logins are refused, not counted as guesses and not crashing anything.
  CHECK(http_post(f.port, "/api/login", R"({"password":5})").status == 400);
  CHECK(http_post(f.port, "/api/login", "not json").status == 400);
}

TEST_CASE("a session expires after its lifetime", "[http][server]") {
  http::ServerLimits limits;
  limits.login.lifetime = std::chrono::seconds(1);
  Fixture f(limits);
  const std::string cookie = f.login();
  CHECK(http_post(f.port, "/api/release", R"({"point":"r.aerator"})", cookie).status == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  CHECK(http_post(f.port, "/api/release", R"({"point":"r.aerator"})", cookie).status == 401);
}

TEST_CASE("an oversized header or body is refused and the server goes on", "[http][server]") {
  Fixture f;
  HttpRequest big;
  big.path = "/api/status";
  big.headers["X-Junk"] = std::string(64 * 1024, 'a');
  CHECK(http_call(f.port, big).status == 431);

  // A "1 GB header": the server answers after its limit and closes; the sender is cut off
  // long before it has sent a gigabyte.
  const int fd = connect_raw(f.port);
  REQUIRE(fd >= 0);
  const std::string start = "GET / HTTP/1.1\r\nHost: x\r\nX-Huge: ";
  ::send(fd, start.data(), start.size(), MSG_NOSIGNAL);
  const std::string chunk(64 * 1024, 'b');
  std::size_t sent = 0;
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  while (sent < (1ull << 30)) {
    const ssize_t n = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  ::close(fd);
  CHECK(sent < (64u << 20));

  auto body = http_post(f.port, "/api/login", json{{"password", std::string(8000, 'x')}}.dump());
  CHECK(body.status == 413);
  HttpRequest status;
  status.path = "/api/status";
  CHECK(http_call(f.port, status).status == 200);
}

TEST_CASE("1000 connections at once: the excess is closed and the publisher never waits", "[http][server]") {
  http::ServerLimits limits;
  limits.max_connections = 32;
  Fixture f(limits);
  test::raise_fd_limit();
  std::atomic<bool> flooding{true};
  std::atomic<long> published{0};
  // Stands in for the daemon's loop: it publishes as fast as it can during the flood.
  std::thread loop([&] {
    while (flooding) {
      f.server.publish(R"({"gateway":{"id":"gw"},"n":)" + std::to_string(published.load()) + "}");
      ++published;
    }
  });
  std::vector<int> fds;
  for (int i = 0; i < 1000; ++i) {
    const int fd = connect_raw(f.port);
    if (fd >= 0) fds.push_back(fd);
  }
  const long before = published.load();
  CHECK(farmgate::test::wait_until([&] { return published.load() > before + 1000; }));
  // Held connections (silent ones included) never cost a client its answer for long: the
  // excess was closed, so a fresh request may have to wait only for the kernel's queue.
  for (int fd : fds) ::close(fd);
  HttpRequest status;
  status.path = "/api/status";
  CHECK(farmgate::test::wait_until([&] { return http_call(f.port, status).status == 200; }));
  flooding = false;
  loop.join();
}

TEST_CASE("a client that sends nothing is disconnected after the request timeout", "[http][server]") {
  http::ServerLimits limits;
  limits.request_timeout = std::chrono::milliseconds(300);
  limits.max_connections = 4;
  Fixture f(limits);
  std::vector<int> fds;
  for (int i = 0; i < 4; ++i) fds.push_back(connect_raw(f.port));
  // All four are closed by the server (recv sees end of stream), freeing the slots.
  for (int fd : fds) {
    timeval tv{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char c;
    CHECK(::recv(fd, &c, 1, 0) == 0);
    ::close(fd);
  }
  HttpRequest status;
  status.path = "/api/status";
  CHECK(http_call(f.port, status).status == 200);
}

TEST_CASE("the status socket answers the status only", "[http][server]") {
  Fixture f;
  auto s = test::unix_get(f.dir.file("farmgate.sock"), "/api/status");
  REQUIRE(s.status == 200);
  CHECK(json::parse(s.body)["gateway"]["id"] == "gw");
  CHECK(test::unix_get(f.dir.file("farmgate.sock"), "/").status == 403);
}
