// A plain HTTP/1.1 client for the page's tests: one request per connection, raw sockets, so
// the tests see exactly the bytes the server sends (status, Set-Cookie, Retry-After).
#pragma once

#include <map>
#include <string>

namespace farmgate::test {

struct HttpReply {
  int status = 0;          // 0: no answer (connection closed or refused)
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

struct HttpRequest {
  std::string method = "GET";
  std::string path = "/";
  std::string body;
  std::map<std::string, std::string> headers;  // Host is added (127.0.0.1:PORT) unless given
};

HttpReply http_call(int port, const HttpRequest& req);
// A JSON POST as the page sends it: Content-Type application/json, the session cookie if any.
HttpReply http_post(int port, const std::string& path, const std::string& json,
                    const std::string& cookie = "");
// The fg_session=… part of a Set-Cookie, "" when there is none.
std::string session_cookie(const HttpReply& r);
// Lifts this process's open-file limit to its hard limit (tests that open 1000 sockets).
void raise_fd_limit();
// GET over a unix socket.
HttpReply unix_get(const std::string& socket_path, const std::string& path);

}  // namespace farmgate::test
