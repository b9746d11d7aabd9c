#include "http/server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "common/clock.h"
#include "http/page_html.h"

namespace farmgate::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;
using json = nlohmann::json;

namespace {

using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;
constexpr const char* kCookie = "fg_session";

Response make_response(unsigned version, bool keep_alive, bhttp::status status, std::string body,
                       const char* type = "application/json; charset=utf-8") {
  Response res{status, version};
  res.set(bhttp::field::content_type, type);
  res.set(bhttp::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  // The page is its own single resource: inline style and script, nothing else, no framing.
  res.set("Content-Security-Policy",
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
          "img-src data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; "
          "base-uri 'none'");
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

std::string answer(bool ok, const std::string& error = "") {
  json j = {{"ok", ok}};
  if (!ok) j["error"] = error;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string header(const Request& req, boost::string_view name) {
  auto it = req.find(name);
  return it == req.end() ? std::string() : std::string(it->value());
}

std::string cookie_token(const Request& req) {
  const std::string cookies = header(req, "Cookie");
  const std::string key = std::string(kCookie) + "=";
  std::size_t pos = 0;
  while (pos < cookies.size()) {
    while (pos < cookies.size() && (cookies[pos] == ' ' || cookies[pos] == ';')) ++pos;
    const std::size_t end = std::min(cookies.find(';', pos), cookies.size());
    if (cookies.compare(pos, key.size(), key) == 0) return cookies.substr(pos + key.size(), end - pos - key.size());
    pos = end;
  }
  return "";
}

// Why a POST is refused as possibly cross-site, or "" when it is fine.
std::string cross_site(const Request& req) {
  const std::string type = header(req, "Content-Type");
  if (type.rfind("application/json", 0) != 0) return "a POST needs Content-Type: application/json";
  const std::string origin = header(req, "Origin");
  if (!origin.empty() && origin != "http://" + header(req, "Host")) return "cross-origin request refused";
  const std::string site = header(req, "Sec-Fetch-Site");
  if (!site.empty() && site != "same-origin") return "cross-site request refused";
  return "";
}

}  // namespace

// Where a command's outcome goes back to: the server's io_context while it runs. The loop may
// answer after a stop (a reload restarts the server); then the outcome is dropped.
struct Mailbox {
  std::mutex mutex;
  boost::asio::io_context* io = nullptr;
};

struct Server::Impl {
  ServerLimits limits;
  std::shared_ptr<Mailbox> mailbox = std::make_shared<Mailbox>();
  Logins logins;
  CommandSink commands;
  std::mutex status_mutex;
  std::string status = "{}";
  std::string unix_path;
  std::size_t tcp_open = 0, unix_open = 0;
  int tcp_port = 0;
  std::uint64_t commands_sent = 0;
  const std::int64_t started_ms = wall_ms();
  std::unique_ptr<asio::io_context> io = std::make_unique<asio::io_context>();
  std::optional<tcp::acceptor> tcp_acceptor;
  std::optional<local::acceptor> unix_acceptor;
  std::thread thread;
  bool started = false, stopped = false;

  Impl(std::string password, CommandSink sink, ServerLimits l)
      : limits(l), logins(std::move(password), l.login), commands(std::move(sink)) {}

  std::string status_copy() {
    std::lock_guard<std::mutex> lock(status_mutex);
    return status;
  }
  template <class Acceptor>
  void accept(Acceptor& acceptor, std::size_t& open, bool full_api);
};

namespace {

template <class Socket>
class Connection : public std::enable_shared_from_this<Connection<Socket>> {
 public:
  Connection(Server::Impl& srv, Socket sock, std::size_t& open, bool full_api, std::string client)
      : server_(srv),
        socket_(std::move(sock)),
        deadline_(*srv.io),
        open_(open),
        full_api_(full_api),
        client_(std::move(client)),
        buffer_(srv.limits.header_limit + srv.limits.body_limit + 1024) {
    ++open_;
  }
  ~Connection() { --open_; }
  void start() { read(); }

 private:
  // Closes the socket when the deadline passes: a slow or silent client loses its slot.
  void arm() {
    deadline_.expires_after(server_.limits.request_timeout);
    deadline_.async_wait([weak = this->weak_from_this()](boost::system::error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->close();
    });
  }
  void close() {
    boost::system::error_code ignored;
    deadline_.cancel();
    socket_.shutdown(Socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.limits.header_limit));
    parser_->body_limit(server_.limits.body_limit);
    arm();
    bhttp::async_read(socket_, buffer_, *parser_,
                      [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
                        self->on_read(ec);
                      });
  }

  void on_read(boost::system::error_code ec) {
    if (ec == bhttp::error::header_limit)
      return send(error(431, "request header too large"), true);
    if (ec == bhttp::error::body_limit) return send(error(413, "request body too large"), true);
    if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == asio::error::eof || ec == asio::error::connection_reset)
      return close();
    if (ec) return send(error(400, "bad request: " + ec.message()), true);
    req_ = parser_->release();
    handle();
  }

  Response error(unsigned status, const std::string& message) {
    return make_response(req_.version() ? req_.version() : 11, false,
                         static_cast<bhttp::status>(status), answer(false, message));
  }
  Response ok(std::string body, const char* type = "application/json; charset=utf-8") {
    return make_response(req_.version(), req_.keep_alive(), bhttp::status::ok, std::move(body), type);
  }

  void send(Response res, bool close_after) {
    if (close_after) res.keep_alive(false);
    auto shared = std::make_shared<Response>(std::move(res));
    arm();
    bhttp::async_write(socket_, *shared,
                       [self = this->shared_from_this(), shared, close_after](boost::system::error_code ec, std::size_t) {
                         self->deadline_.cancel();
                         if (ec) return self->close();
                         if (close_after) return self->drain();
                         if (!shared->keep_alive()) return self->close();
                         self->read();
                       });
  }

  // After refusing a request that is still arriving (a huge header): stop sending, then read
  // and drop what comes for a short while (at most kDrainBytes), so that the client gets to
  // read the answer instead of a reset, before the connection is closed.
  static constexpr std::size_t kDrainBytes = 1 << 20;
  void drain() {
    boost::system::error_code ignored;
    socket_.shutdown(Socket::shutdown_send, ignored);
    deadline_.expires_after(std::chrono::seconds(1));
    deadline_.async_wait([weak = this->weak_from_this()](boost::system::error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->close();
    });
    drain_some();
  }
  void drain_some() {
    socket_.async_read_some(asio::buffer(scratch_),
                            [self = this->shared_from_this()](boost::system::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kDrainBytes) return self->close();
                              self->drain_some();
                            });
  }

  void handle() {
    std::string target(req_.target());
    target = target.substr(0, target.find('?'));
    const bool get = req_.method() == bhttp::verb::get;
    const bool post = req_.method() == bhttp::verb::post;
    if (!full_api_ && !(get && target == "/api/status"))
      return send(error(403, "this socket serves GET /api/status only"), false);
    if (get && (target == "/" || target == "/index.html"))
      return send(ok(kPageHtml, "text/html; charset=utf-8"), false);
    if (get && target == "/api/status") return send(ok(status_body()), false);
    const bool known = target == "/api/login" || target == "/api/logout" || target == "/api/hold" ||
                       target == "/api/release";
    if (!known) return send(error(404, "no such page: " + target), false);
    if (!post) return send(error(405, "use POST"), false);
    if (auto why = cross_site(req_); !why.empty()) return send(error(403, why), false);
    json body = json::parse(req_.body(), nullptr, false);
    if (!body.is_object()) return send(error(400, "the body must be a JSON object"), false);
    const auto now = Logins::Clock::now();
    if (target == "/api/login") return login(body, now);
    if (target == "/api/logout") {
      server_.logins.logout(cookie_token(req_));
      Response res = ok(answer(true));
      res.set(bhttp::field::set_cookie, std::string(kCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
      return send(std::move(res), false);
    }
    if (!server_.logins.valid(cookie_token(req_), now))
      return send(error(401, "log in first"), false);
    command(target == "/api/hold" ? "set" : "release", body);
  }

  std::string status_body() {
    std::string s = server_.status_copy();
    const bool logged_in = server_.logins.valid(cookie_token(req_), Logins::Clock::now());
    json session = {{"login", server_.logins.enabled()}, {"logged_in", logged_in}};
    if (s.size() > 2 && s.back() == '}') {
      s.pop_back();
      return s + ",\"session\":" + session.dump() + "}";
    }
    return json{{"session", session}}.dump();
  }

  void login(const json& body, Logins::Clock::time_point now) {
    const auto pw = body.find("password");
    if (pw == body.end() || !pw->is_string()) return send(error(400, "password missing"), false);
    Logins::Result r = server_.logins.login(client_, pw->get<std::string>(), now);
    switch (r.kind) {
      case Logins::Result::Kind::ok: {
        Response res = ok(answer(true));
        res.set(bhttp::field::set_cookie,
                std::string(kCookie) + "=" + r.token + "; Path=/; Max-Age=" +
                    std::to_string(server_.logins.lifetime().count()) + "; HttpOnly; SameSite=Strict");
        return send(std::move(res), false);
      }
      case Logins::Result::Kind::wrong:
        return send(error(401, "wrong password"), false);
      case Logins::Result::Kind::disabled:
        return send(error(403, "no password_file is configured: the page is read-only"), false);
      case Logins::Result::Kind::limited: {
        Response res = error(429, "too many wrong passwords: try again in " +
                                      std::to_string(r.retry_after.count()) + " s");
        res.set("Retry-After", std::to_string(r.retry_after.count()));
        return send(std::move(res), false);
      }
    }
  }

  // The §5 command the loop checks and executes like one from the `cmd` topic.
  void command(const char* op, const json& body) {
    json cmd = {{"id", "page-" + std::to_string(server_.started_ms) + "-" +
                           std::to_string(++server_.commands_sent)},
                {"op", op}};
    for (const char* key : {"point", "value", "hold"})
      if (body.contains(key)) cmd[key] = body[key];
    if (!server_.commands) return send(error(503, "commands are not handled"), false);
    // The timer holds the connection while the loop works on the command (nothing else
    // does), and frees it if the loop never answers. Released on the server's thread only.
    deadline_.expires_after(server_.limits.request_timeout);
    deadline_.async_wait([self = this->shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->close();
    });
    server_.commands(cmd.dump(-1, ' ', false, json::error_handler_t::replace),
                     [mailbox = server_.mailbox, weak = this->weak_from_this()](json result) {
                       std::lock_guard<std::mutex> lock(mailbox->mutex);
                       if (!mailbox->io) return;
                       asio::post(*mailbox->io, [weak, result = std::move(result)] {
                         auto self = weak.lock();
                         if (!self) return;
                         const bool good = result.value("ok", false);
                         self->send(make_response(self->req_.version(), self->req_.keep_alive(),
                                                  good ? bhttp::status::ok : bhttp::status::unprocessable_entity,
                                                  result.dump(-1, ' ', false, json::error_handler_t::replace)),
                                    false);
                       });
                     });
  }

  Server::Impl& server_;
  Socket socket_;
  asio::steady_timer deadline_;
  std::size_t& open_;
  const bool full_api_;
  const std::string client_;
  boost::beast::flat_buffer buffer_;
  std::array<char, 16384> scratch_{};
  std::size_t drained_ = 0;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Request req_;
};

std::string client_of(tcp::socket& s) {
  boost::system::error_code ec;
  auto ep = s.remote_endpoint(ec);
  return ec ? "?" : ep.address().to_string();
}
std::string client_of(local::socket&) { return "local"; }

}  // namespace

template <class Acceptor>
void Server::Impl::accept(Acceptor& acceptor, std::size_t& open, bool full_api) {
  acceptor.async_accept([this, &acceptor, &open, full_api](boost::system::error_code ec,
                                                           typename Acceptor::protocol_type::socket s) {
    if (ec == asio::error::operation_aborted || stopped) return;
    if (!ec) {
      if (open >= limits.max_connections) {
        boost::system::error_code ignored;
        s.close(ignored);  // over the limit: closed at once, nothing read
      } else {
        std::string client = client_of(s);
        std::make_shared<Connection<typename Acceptor::protocol_type::socket>>(*this, std::move(s), open,
                                                                              full_api, std::move(client))
            ->start();
      }
    }
    accept(acceptor, open, full_api);
  });
}

Server::Server(std::string password, CommandSink commands, ServerLimits limits)
    : impl_(std::make_unique<Impl>(std::move(password), std::move(commands), limits)) {}

Server::~Server() { stop(); }

void Server::listen_tcp(const std::string& host, int port) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::runtime_error("http.listen: bad address " + host);
  tcp::endpoint ep(address, static_cast<unsigned short>(port));
  tcp::acceptor a(*impl_->io);
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("http.listen: cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  impl_->tcp_port = a.local_endpoint(ec).port();  // read here: the acceptor is the thread's later
  impl_->tcp_acceptor.emplace(std::move(a));
}

void Server::listen_unix(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) throw std::runtime_error(path + " exists and is not a socket");
    ::unlink(path.c_str());  // left by a daemon that died; the buffer's lock says we are alone
  }
  boost::system::error_code ec;
  local::acceptor a(*impl_->io);
  local::endpoint ep(path);
  a.open(ep.protocol(), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("status socket " + path + ": " + ec.message());
  ::chmod(path.c_str(), 0660);
  impl_->unix_path = path;
  impl_->unix_acceptor.emplace(std::move(a));
}

int Server::tcp_port() const {
  return impl_->tcp_port;
}

void Server::start() {
  if (impl_->started) return;
  impl_->started = true;
  if (impl_->tcp_acceptor) impl_->accept(*impl_->tcp_acceptor, impl_->tcp_open, true);
  if (impl_->unix_acceptor) impl_->accept(*impl_->unix_acceptor, impl_->unix_open, false);
  {
    std::lock_guard<std::mutex> lock(impl_->mailbox->mutex);
    impl_->mailbox->io = impl_->io.get();
  }
  impl_->thread = std::thread([io = impl_->io.get()] { io->run(); });
}

void Server::stop() {
  if (!impl_ || impl_->stopped) return;
  asio::post(*impl_->io, [impl = impl_.get()] {
    impl->stopped = true;
    boost::system::error_code ignored;
    if (impl->tcp_acceptor) impl->tcp_acceptor->close(ignored);
    if (impl->unix_acceptor) impl->unix_acceptor->close(ignored);
    impl->io->stop();
  });
  if (impl_->thread.joinable()) impl_->thread.join();
  {
    std::lock_guard<std::mutex> lock(impl_->mailbox->mutex);
    impl_->mailbox->io = nullptr;
  }
  impl_->stopped = true;
  impl_->tcp_acceptor.reset();
  impl_->unix_acceptor.reset();
  impl_->io.reset();  // destroys the connections still open
  if (!impl_->unix_path.empty()) ::unlink(impl_->unix_path.c_str());
}

void Server::publish(std::string status_json) {
  std::lock_guard<std::mutex> lock(impl_->status_mutex);
  impl_->status = std::move(status_json);
}

}  // namespace farmgate::http
