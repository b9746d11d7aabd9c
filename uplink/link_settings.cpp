#include "uplink/link_settings.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "uplink/commands.h"
#include "uplink/payloads.h"

namespace farmgate::uplink {

std::string paho_uri(const std::string& url, bool* tls) {
  std::string rest;
  std::string port;
  if (url.rfind("mqtt://", 0) == 0) {
    *tls = false;
    rest = url.substr(7);
    port = "1883";
  } else if (url.rfind("mqtts://", 0) == 0) {
    *tls = true;
    rest = url.substr(8);
    port = "8883";
  } else {
    return "";
  }
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty()) return "";
  // host:port, or [v6]:port; no port -> the scheme's default.
  auto colon = rest.rfind(':');
  auto bracket = rest.rfind(']');
  bool has_port = colon != std::string::npos && (bracket == std::string::npos || colon > bracket);
  return (*tls ? "ssl://" : "tcp://") + rest + (has_port ? "" : ":" + port);
}

bool read_password_file(const std::string& path, std::string* password, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "uplink.password_file " + path + ": cannot read: " + std::strerror(errno);
    return false;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    *error = "uplink.password_file " + path + ": read error";
    return false;
  }
  // Editors add a final newline; it is never part of the password.
  auto nl = text.find('\n');
  if (nl != std::string::npos) text.resize(nl);
  if (!text.empty() && text.back() == '\r') text.pop_back();
  *password = text;
  return true;
}

std::variant<LinkSettings, std::string> link_settings(const config::Config& config) {
  if (!config.uplink) return std::string("no uplink configured");
  const config::Uplink& u = *config.uplink;
  LinkSettings s;
  if (u.urls.empty()) return std::string("uplink.url: no broker");
  for (const std::string& url : u.urls) {
    bool tls = false;
    std::string uri = paho_uri(url, &tls);
    if (uri.empty())
      return "uplink.url " + url + ": expected mqtt://HOST[:PORT] or mqtts://HOST[:PORT]";
    if (!s.brokers.empty() && tls != s.tls)
      return "uplink.url " + url + ": the brokers of a list share one scheme";
    s.tls = tls;
    s.brokers.push_back({url, uri});
  }
  s.client_id = u.client_id.empty() ? config.gateway.id : u.client_id;
  s.username = u.username;
  if (!u.password_file.empty()) {
    std::string error;
    if (!read_password_file(u.password_file, &s.password, &error)) return error;
  }
  if (s.tls) {
    s.trust_store = u.ca_file.empty() ? kSystemCaBundle : u.ca_file;
    s.cert_file = u.cert_file;
    s.key_file = u.key_file;
  }
  s.topic_base = u.topic_prefix + "/" + config.gateway.id + "/";
  s.will_topic = s.topic_base + "status";
  s.will_payload = offline_status_payload();
  s.ack_timeout = u.ack_timeout;
  s.max_message_bytes = kMaxCommandBytes;  // the link receives nothing but commands
  return s;
}

}  // namespace farmgate::uplink
