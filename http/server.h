// The on-site page's HTTP server (spec §9), on a thread of its own so that nothing a client
// does (1000 connections, a 1 GB header, a request sent one byte a minute) can delay the
// daemon's loop: the loop only ever publishes a finished status JSON (publish(), a string
// swap under a mutex) and executes commands that a logged-in client posted (CommandSink).
//
// Routes (TCP listener; the unix socket serves GET /api/status only):
//   GET  /              the page (http/page.html, compiled in; nothing is read from disk)
//   GET  /api/status    the latest published status + "session":{"login","logged_in"}
//   POST /api/login     {"password":…}  -> 200 + session cookie | 401 | 429 (Retry-After)
//   POST /api/logout
//   POST /api/hold      {"point","value","hold"}  -> §5 `set` through the CommandSink
//   POST /api/release   {"point"}                  -> §5 `release`
// POSTs need `Content-Type: application/json` (a cross-site form cannot send it without a
// CORS preflight, which is never granted) and, when the browser sends them, an Origin equal to
// http://HOST and a Sec-Fetch-Site of same-origin; hold/release need the session cookie
// (HttpOnly, SameSite=Strict). Answers are JSON {"ok":…,"error"?…}.
//
// Bounds: `max_connections` per listener (more are closed at once), a request header of
// `header_limit` bytes (431), a body of `body_limit` (413), `request_timeout` for a whole
// request to arrive and for an idle keep-alive connection (then it is closed), one request at a
// time per connection.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "http/login.h"

namespace farmgate::http {

struct ServerLimits {
  std::size_t max_connections = 64;
  std::size_t header_limit = 8 * 1024;
  std::size_t body_limit = 4 * 1024;
  std::chrono::milliseconds request_timeout{10000};
  Logins::Limits login;
};

class Server {
 public:
  // Called on the server's thread with a §5 command payload; must not block. `done` may be
  // called from any thread, once, with the outcome {"ok":…,"error"?…}.
  using Done = std::function<void(nlohmann::json)>;
  using CommandSink = std::function<void(std::string payload, Done done)>;

  // `password` empty: no login, the page is read-only.
  Server(std::string password, CommandSink commands, ServerLimits limits = {});
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Before start(). Throw std::runtime_error naming the address when it cannot be bound.
  void listen_tcp(const std::string& host, int port);
  void listen_unix(const std::string& path);  // replaces a stale socket file; mode 0660
  int tcp_port() const;                       // the bound port (for port 0)

  void start();  // starts the thread
  void stop();   // closes everything, joins; removes the unix socket file. Idempotent.

  // Any thread: the JSON (an object) GET /api/status answers from now on.
  void publish(std::string status_json);

  struct Impl;  // server.cpp's

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace farmgate::http
