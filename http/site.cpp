#include "http/site.h"

#include <fstream>
#include <sstream>

#include <boost/asio/post.hpp>

#include "common/clock.h"
#include "common/log.h"

namespace farmgate::http {
namespace {

constexpr Duration kRefreshEvery{1000};

std::string read_password(const std::string& path) {
  if (path.empty()) return "";
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  std::string pw = s.str();
  // A trailing newline is the editor's, not the password's.
  while (!pw.empty() && (pw.back() == '\n' || pw.back() == '\r')) pw.pop_back();
  return pw;
}

std::string server_key(const config::Config& c) {
  if (!c.http) return "off|" + status_socket_path(c);
  return c.http->host + "|" + std::to_string(c.http->port) + "|" + c.http->password_file + "|" +
         read_password(c.http->password_file) + "|" + status_socket_path(c);
}

}  // namespace

std::string status_socket_path(const config::Config& config) {
  const std::string& db = config.storage.path;
  const auto slash = db.rfind('/');
  return (slash == std::string::npos ? std::string(".") : db.substr(0, slash == 0 ? 1 : slash)) +
         "/farmgate.sock";
}

Site::Site(boost::asio::io_context& loop, const config::Config& config, StatusBuilder status,
           Executor execute, Recorder record, ServerLimits limits)
    : loop_(loop),
      config_(config),
      status_(std::move(status)),
      execute_(std::move(execute)),
      record_(std::move(record)),
      limits_(limits),
      timer_(loop) {}

Site::~Site() { stop(); }

void Site::start() {
  start_server();
  refresh();
}

void Site::start_server() {
  key_ = server_key(config_);
  std::string password = config_.http ? read_password(config_.http->password_file) : "";
  if (config_.http && !config_.http->password_file.empty() && password.empty())
    log::error("http.password_file ", config_.http->password_file, " holds no password: the page is read-only");
  auto alive = std::weak_ptr<bool>(alive_);
  // Runs on the server's thread: hand the payload to the loop, never block.
  auto sink = [this, alive](std::string payload, Server::Done done) {
    boost::asio::post(loop_, [this, alive, payload = std::move(payload), done = std::move(done)] {
      if (!alive.lock()) return done(nlohmann::json{{"ok", false}, {"error", "gateway stopping"}});
      run_command(payload, done);
    });
  };
  server_ = std::make_unique<Server>(std::move(password), sink, limits_);
  if (config_.http) {
    try {
      server_->listen_tcp(config_.http->host, config_.http->port);
      log::info("on-site page on http://", config_.http->host, ":", server_->tcp_port(), "/");
    } catch (const std::exception& e) {
      log::error(e.what(), ": the page is off, control goes on");
    }
  }
  try {
    server_->listen_unix(status_socket_path(config_));
  } catch (const std::exception& e) {
    log::warning(e.what(), ": `farmgate status` will not reach this daemon");
  }
  server_->start();
}

void Site::stop() {
  if (stopped_) return;
  stopped_ = true;
  alive_.reset();
  timer_.cancel();
  if (server_) server_->stop();
}

void Site::set_config(const config::Config& config) {
  config_ = config;
  if (server_key(config) == key_ || stopped_) return;
  log::info("http settings changed: restarting the page");
  server_->stop();
  start_server();
}

int Site::port() const { return server_ ? server_->tcp_port() : 0; }

void Site::refresh() {
  if (stopped_) return;
  server_->publish(status_().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  timer_.expires_after(kRefreshEvery);
  timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](boost::system::error_code ec) {
    if (ec || !alive.lock()) return;
    refresh();
  });
}

void Site::run_command(const std::string& payload, Server::Done done) {
  auto outcome_json = [](const uplink::Outcome& o) {
    nlohmann::json j = {{"ok", o.ok}};
    if (!o.ok) j["error"] = o.error;
    return j;
  };
  uplink::ParseResult parsed = uplink::parse_command(payload, config_);
  if (auto* r = std::get_if<uplink::Refusal>(&parsed)) {
    log::warning("page: command refused: ", r->error);
    record_(uplink::refusal_event(wall_ms(), *r));
    return done(outcome_json(uplink::Outcome{false, r->error, nullptr}));
  }
  const uplink::Command c = std::get<uplink::Command>(parsed);
  auto answered = std::make_shared<bool>(false);
  execute_(c, [this, alive = std::weak_ptr<bool>(alive_), answered, c, done, outcome_json](
                  const uplink::Outcome& o) {
    if (*answered) return;  // one answer per command
    *answered = true;
    if (alive.lock()) record_(uplink::command_event(wall_ms(), c, o));
    done(outcome_json(o));
  });
}

}  // namespace farmgate::http
