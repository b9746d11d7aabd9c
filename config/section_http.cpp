// http: the on-site page (spec §9). listen is HOST:PORT with an IP literal (a name would need
// a resolver at start, and the page must come up with no network around it).
#include <arpa/inet.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "config/sections.h"
#include "config/units.h"
#include "config/yaml_file.h"

namespace farmgate::config {
namespace {

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// HOST:PORT, [V6]:PORT; false when it is not that.
bool parse_listen(const std::string& text, std::string& host, int& port) {
  std::string port_text;
  if (!text.empty() && text[0] == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') return false;
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon) return false;
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  auto p = parse_integer(port_text);
  if (port_text.empty() || port_text[0] == '+' || port_text[0] == '-' || !p.ok() || p.value() < 0 ||
      p.value() > 65535)
    return false;
  port = static_cast<int>(p.value());
  return is_ip_literal(host);
}

}  // namespace

std::optional<Http> read_http(const Field& field, LoadContext& ctx) {
  Fields f = Fields::of_map(field.value, ctx.file, ctx.diags, "http", field.value_pos());
  if (!f.ok) return std::nullopt;
  MapReader r(f, ctx.diags, {"listen", "password_file"});
  Http h;
  h.pos = r.pos();
  if (auto listen = r.text("listen")) {
    if (!parse_listen(*listen, h.host, h.port))
      r.error_at_value("listen", "bad listen address '" + *listen +
                                     "': expected IP:PORT such as 0.0.0.0:8080 or [::]:8080");
  }
  if (auto written = r.text("password_file")) {
    h.password_file = written->empty() ? *written : join_path(ctx.dir, *written);
    std::ifstream in(h.password_file, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    struct stat st {};
    if (written->empty()) {
      r.error_at_value("password_file", "password_file is empty: name a file, or leave the key out "
                                        "for a read-only page");
    } else if (!in.is_open()) {
      r.error_at_value("password_file", "cannot read " + h.password_file);
    } else if (content.str().find_first_not_of(" \t\r\n") == std::string::npos) {
      r.error_at_value("password_file", h.password_file + " holds no password");
    } else if (::stat(h.password_file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      r.warning_at_value("password_file", h.password_file +
                                              " can be read by its group or by others (mode " +
                                              mode + "): chmod 600 " + h.password_file);
    }
  }
  return h;
}

}  // namespace farmgate::config
