// uplink: the MQTT broker and how to reach it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include <cctype>
#include <cstdio>

#include "config/sections.h"
#include "config/units.h"
#include "config/yaml_file.h"

namespace farmgate::config {
namespace {

struct BrokerUrl {
  bool tls = false;
  std::string host;
  int port = 0;
};

// mqtt://HOST[:PORT] or mqtts://HOST[:PORT]; HOST may be [IPv6]. No path, no user info.
std::optional<BrokerUrl> parse_url(const std::string& url) {
  BrokerUrl u;
  std::string rest;
  if (url.rfind("mqtt://", 0) == 0)
    rest = url.substr(7);
  else if (url.rfind("mqtts://", 0) == 0) {
    u.tls = true;
    rest = url.substr(8);
  } else {
    return std::nullopt;
  }
  std::string port;
  if (!rest.empty() && rest[0] == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) return std::nullopt;
    u.host = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return std::nullopt;
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const auto colon = rest.find(':');
    u.host = rest.substr(0, colon);
    if (colon != std::string::npos) port = rest.substr(colon + 1);
    for (char c : u.host)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'))
        return std::nullopt;
  }
  if (u.host.empty()) return std::nullopt;
  if (port.empty()) {
    u.port = u.tls ? 8883 : 1883;
    return u;
  }
  auto p = parse_integer(port);
  if (!p.ok() || port[0] == '+' || port[0] == '-' || p.value() < 1 || p.value() > 65535)
    return std::nullopt;
  u.port = static_cast<int>(p.value());
  return u;
}

// Spec §7: an IP literal in 127.0.0.0/8, ::1 (any spelling of it), or exactly `localhost`.
// A name is never trusted by its look: `127.attacker.example` resolves wherever its owner
// wants, and so may any name but the one every system maps to itself.
bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1)  // dotted quad only: no "127.1"
    return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return ::inet_pton(AF_INET6, host.c_str(), &v6) == 1 &&
         IN6_ARE_ADDR_EQUAL(&v6, &in6addr_loopback);
}

}  // namespace

std::optional<Uplink> read_uplink(const Field& field, LoadContext& ctx,
                                  const std::string& gateway_id) {
  Fields f = Fields::of_map(field.value, ctx.file, ctx.diags, "uplink", field.value_pos());
  if (!f.ok) return std::nullopt;
  MapReader r(
      f, ctx.diags,
      {"url", "client_id", "username", "password_file", "ca_file", "cert_file", "key_file",
       "topic_prefix", "max_batch", "publish_interval", "status_interval", "ack_timeout",
       "allow_insecure"});
  Uplink u;
  u.pos = r.pos();
  std::optional<BrokerUrl> broker;
  if (auto url = r.text("url", Need::required)) {
    broker = parse_url(*url);
    if (broker)
      u.url = *url;
    else
      r.error_at_value("url", "bad broker url '" + *url +
                                  "': expected mqtt://HOST[:PORT] or mqtts://HOST[:PORT]");
  }
  u.client_id = r.text("client_id").value_or(gateway_id);
  if (r.has("client_id") && u.client_id.empty())
    r.error_at_value("client_id", "client_id is empty");
  u.username = r.text("username").value_or("");
  // Relative to the main file's folder, like rules: and storage.path — under systemd the
  // working folder is `/`, so "as written" would point nowhere.
  auto path_of = [&](const char* key) {
    const std::string written = r.text(key).value_or("");
    return written.empty() ? written : join_path(ctx.dir, written);
  };
  u.password_file = path_of("password_file");
  u.ca_file = path_of("ca_file");
  u.cert_file = path_of("cert_file");
  u.key_file = path_of("key_file");
  // Secrets others can read are leaked secrets: say so at `check` and at `run` (a warning,
  // as a package may be half set up; the daemon still starts).
  for (const char* key : {"password_file", "key_file"}) {
    const std::string& secret = std::string(key) == "key_file" ? u.key_file : u.password_file;
    struct stat st {};
    if (!secret.empty() && ::stat(secret.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      r.warning_at_value(key, secret + " can be read by its group or by others (mode " + mode +
                                  "): chmod 600 " + secret);
    }
  }
  if (r.has("cert_file") != r.has("key_file"))
    r.error_at_value(r.has("cert_file") ? "cert_file" : "key_file",
                     "a client certificate needs both cert_file and key_file");
  if (auto t = r.text("topic_prefix")) {
    if (t->find_first_of("+#") != std::string::npos || t->empty() || t->back() == '/')
      r.error_at_value("topic_prefix",
                       "bad topic_prefix '" + *t + "': no '+', '#' or trailing '/', not empty");
    else
      u.topic_prefix = *t;
  }
  u.max_batch = static_cast<int>(r.integer("max_batch", 1, 100000).value_or(u.max_batch));
  u.publish_interval = r.duration("publish_interval", Duration{1}).value_or(u.publish_interval);
  u.status_interval = r.duration("status_interval", Duration{1}).value_or(u.status_interval);
  // Under a second, a slow 4G round trip (or a broker busy with a burst) would be taken for
  // a dead connection and the link would never settle.
  u.ack_timeout = r.duration("ack_timeout", Duration{1000}).value_or(u.ack_timeout);
  u.allow_insecure = r.boolean("allow_insecure").value_or(false);
  if (broker && !broker->tls && !is_loopback(broker->host) && !u.allow_insecure &&
      (r.has("username") || r.has("password_file")))
    r.error_at_value("url", "a username/password over plain mqtt:// to '" + broker->host +
                                "' travels in clear text: use mqtts:// or set allow_insecure: "
                                "true");
  return u;
}

}  // namespace farmgate::config
