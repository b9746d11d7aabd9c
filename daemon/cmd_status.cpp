// `farmgate status -c FILE [--json]` (spec §9): the running daemon's figures, asked over its
// status socket (http/site.h: <folder of storage.path>/farmgate.sock). The socket, not the
// page's TCP port: it answers even when `http:` is off, needs no password (file modes decide
// who may ask: root and the farmgate group), and never leaves the machine.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "daemon/commands.h"
#include "daemon/format.h"
#include "daemon/setup.h"
#include "http/site.h"

namespace farmgate::daemon {
namespace {

using json = nlohmann::json;

// The body of GET /api/status, or an error text (and false).
bool ask(const std::string& path, std::string& out) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    out = "socket path too long: " + path;
    return false;
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    out = std::strerror(errno);
    return false;
  }
  timeval tv{5, 0};  // a daemon whose server is stuck must not hang the technician's shell
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    out = std::strerror(errno);
    ::close(fd);
    return false;
  }
  const std::string req = "GET /api/status HTTP/1.0\r\nHost: localhost\r\n\r\n";
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    out = std::strerror(errno);
    ::close(fd);
    return false;
  }
  std::string response;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) response.append(buf, static_cast<size_t>(n));
    if (n == 0) break;
    if (n < 0) {
      out = errno == EAGAIN ? "no answer within 5 s" : std::strerror(errno);
      ::close(fd);
      return false;
    }
  }
  ::close(fd);
  const auto body = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.", 0) != 0 || body == std::string::npos ||
      response.find(" 200 ") > response.find("\r\n")) {
    out = "unexpected answer: " + response.substr(0, response.find("\r\n"));
    return false;
  }
  out = response.substr(body + 4);
  return true;
}

std::string age(std::int64_t ms) {
  const std::int64_t s = ms / 1000;
  if (s < 120) return std::to_string(s) + "s";
  if (s < 7200) return std::to_string(s / 60) + "m";
  if (s < 172800) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

std::string value_text(const json& v, const json& unit) {
  if (v.is_boolean()) return v.get<bool>() ? "on" : "off";
  if (!v.is_number()) return "-";
  std::string s = format_number(v.get<double>());
  if (unit.is_string()) s += " " + unit.get<std::string>();
  return s;
}

void print(const json& s, std::ostream& out) {
  const std::int64_t now = s.value("generated", std::int64_t{0});
  out << "farmgate " << s.value("version", "") << " · gateway " << s["gateway"].value("id", "");
  if (!s["gateway"].value("site", "").empty()) out << " (" << s["gateway"].value("site", "") << ")";
  out << " · up " << age(now - s.value("started", now)) << " · config "
      << s.value("config", "").substr(0, 12) << "\n";

  out << "\npoints\n";
  for (const auto& p : s["points"]) {
    out << "  " << std::left << std::setw(28) << p.value("id", "") << " " << std::setw(14)
        << value_text(p["value"], p.contains("unit") ? p["unit"] : json()) << " " << std::setw(8)
        << p.value("quality", "");
    if (p.contains("age_ms")) out << " " << age(p["age_ms"].get<std::int64_t>()) << " ago";
    if (p.contains("error")) out << "  (" << p["error"].get<std::string>() << ")";
    out << "\n";
  }
  out << "\nactuators\n";
  if (s["actuators"].empty()) out << "  none\n";
  for (const auto& a : s["actuators"]) {
    out << "  " << std::left << std::setw(28) << a.value("point", "") << " " << std::setw(7)
        << (a["state"].is_null() ? std::string("unknown") : value_text(a["state"], json())) << " "
        << a.value("reason", "");
    if (a.contains("override")) out << " (" << age(a["override"]["left_ms"].get<std::int64_t>()) << " left)";
    if (a.contains("since_ms")) out << ", for " << age(a["since_ms"].get<std::int64_t>());
    out << " · failsafe " << a.value("failsafe", "off");
    if (a.contains("max_on_ms")) out << " · max_on " << age(a["max_on_ms"].get<std::int64_t>());
    if (a.contains("exclusive_with")) {
      out << " · exclusive_with";
      for (const auto& x : a["exclusive_with"]) out << " " << x.get<std::string>();
    }
    out << "\n";
  }
  out << "\nalarms\n";
  if (s["alarms"].empty()) out << "  none raised\n";
  for (const auto& a : s["alarms"])
    out << "  " << a.value("name", "") << " [" << a.value("severity", "") << "] "
        << a.value("message", "") << " (for " << age(now - a.value("since", now)) << ")\n";
  out << "\ndevices\n";
  for (const auto& [name, d] : s["devices"].items()) {
    out << "  " << std::left << std::setw(20) << name << " ok " << d.value("ok", 0) << ", errors "
        << d.value("errors", 0);
    if (d.contains("last_error")) out << ", last error: " << d["last_error"].get<std::string>();
    out << "\n";
  }
  const json& b = s["buffer"];
  out << "\nbuffer: " << b.value("unsent", 0) << " unsent";
  if (b.contains("oldest_unsent_ts"))
    out << " (oldest " << age(now - b["oldest_unsent_ts"].get<std::int64_t>()) << " ago)";
  out << ", " << b.value("dropped", 0) << " dropped\n";
  const json& u = s["uplink"];
  out << "uplink: "
      << (!u.value("configured", false) ? "not configured"
                                        : u.value("connected", false) ? "connected" : "disconnected");
  if (u.contains("broker")) out << " to " << u["broker"].get<std::string>();
  if (u.contains("last_error")) out << " (" << u["last_error"].get<std::string>() << ")";
  out << "\n";
}

}  // namespace

int cmd_status(const std::string& config_path, bool as_json) {
  Setup setup = load_setup(config_path);
  if (!setup.ok()) {
    print_diagnostics(setup.diagnostics, std::cerr);
    std::cerr << config_path << ": invalid\n";
    return kUsageError;
  }
  const std::string socket = http::status_socket_path(*setup.config);
  std::string body;
  if (!ask(socket, body)) {
    std::cerr << "error: no running farmgate answers for " << config_path << " (" << socket << ": "
              << body << ")";
    if (body == std::strerror(EACCES)) std::cerr << "; run as root or as a member of group farmgate";
    std::cerr << "\n";
    return kRuntimeFailure;
  }
  json s = json::parse(body, nullptr, false);
  if (!s.is_object() || !s.contains("points")) {
    std::cerr << "error: the daemon's answer is not a status (is it still starting?)\n";
    return kRuntimeFailure;
  }
  if (as_json) {
    s.erase("session");
    std::cout << s.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  } else {
    print(s, std::cout);
  }
  return kOk;
}

}  // namespace farmgate::daemon
