// uplink: the MQTT broker and how to reach it.
#include <arpa/inet.h>
#include <grp.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "common/hold_limit.h"
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

std::string lowercase_host(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "" when only the owner, root's group or the service's group may read `path`; else who else
// can, and its mode. The service's group: `user`'s primary group (check), else `farmgate`.
std::string secret_leak(const std::string& path, const ServiceUser* user) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  const struct group* gr = ::getgrgid(st.st_gid);
  const struct group* farmgate = user ? nullptr : ::getgrnam("farmgate");
  const bool service_group = st.st_gid == 0 || (user && st.st_gid == user->gid) ||
                             (farmgate && farmgate->gr_gid == st.st_gid);
  std::string who;
  if ((st.st_mode & 007) != 0)
    who = "can be read or written by others";
  else if ((st.st_mode & 020) != 0)
    who = "can be written by its group";
  else if ((st.st_mode & 040) != 0 && !service_group)
    who = "can be read by its group " + (gr ? std::string(gr->gr_name) : std::to_string(st.st_gid));
  if (who.empty()) return "";
  return who + " (" + owner_and_mode(path) + ")";
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
      {"profile", "url", "client_id", "username", "password_file", "ca_file", "cert_file", "key_file",
       "topic_prefix", "max_batch", "publish_interval", "status_interval", "ack_timeout",
       "allow_insecure", "compress", "group", "command_hold"});
  Uplink u;
  u.pos = r.pos();
  if (auto p = r.choice("profile", {"farmgate", "thingsboard", "sparkplug"})) {
    if (*p == "thingsboard") u.profile = UplinkProfile::thingsboard;
    if (*p == "sparkplug") u.profile = UplinkProfile::sparkplug;
  }
  // Sparkplug's topics are spBv1.0/GROUP/…/gateway.id/…: the group is the platform's to
  // choose, so there is no default.
  if (auto g = r.text("group")) {
    if (g->empty() || g->find_first_of("+#/") != std::string::npos)
      r.error_at_value("group", "bad Sparkplug group '" + *g +
                                    "': not empty, no '/', '+' or '#' (it is a topic level)");
    else
      u.group = *g;
    if (u.profile != UplinkProfile::sparkplug)
      r.warning_at_value("group", std::string("group is read by profile sparkplug only; ") +
                                      "this uplink's profile is " + to_string(u.profile));
  } else if (u.profile == UplinkProfile::sparkplug && !r.has("group")) {
    r.error_at_value("profile", "profile sparkplug needs uplink.group, the Sparkplug group id "
                                "(its topics are spBv1.0/GROUP/…)");
  }
  if (auto h = r.duration("command_hold", Duration{1000})) {
    if (*h > kMaxHold)
      r.error_at_value("command_hold", std::string("command_hold is over ") + kMaxHoldText);
    else
      u.command_hold = *h;
    if (u.profile != UplinkProfile::sparkplug)
      r.warning_at_value("command_hold", std::string("command_hold is read by profile ") +
                                             "sparkplug only (its DCMD writes carry no hold)");
  }
  // One URL, or a list of a cluster's nodes (spec §8 "Several brokers"): each entry checked
  // where it is written.
  std::vector<std::pair<BrokerUrl, SourcePos>> brokers;
  if (!r.has("url")) {
    r.missing("url");
  } else if (const Field& url = *r.field("url"); !url.value.IsScalar() && !url.value.IsSequence()) {
    r.error_at_value("url", "expected a broker url or a list of them, got " + describe(url.value));
  } else {
    std::vector<MapReader::PlacedText> list;
    if (url.value.IsScalar()) {
      list.push_back({url.value.Scalar(), url.value_pos()});
    } else if (url.value.size() == 0) {
      r.error_at_value("url", "an empty list of brokers: give at least one url, "
                              "mqtt://HOST[:PORT] or mqtts://HOST[:PORT]");
    }
    if (url.value.IsSequence())
      for (const auto& item : url.value) {
        if (item.IsScalar())
          list.push_back({item.Scalar(), position(item, url.file)});
        else
          ctx.diags.error(position(item, url.file), "expected a broker url, got " + describe(item));
      }
    for (const auto& entry : list) {
      auto b = parse_url(entry.text);
      if (!b) {
        ctx.diags.error(entry.pos, "bad broker url '" + entry.text +
                                       "': expected mqtt://HOST[:PORT] or mqtts://HOST[:PORT]");
        continue;
      }
      if (!brokers.empty() && b->tls != brokers.front().first.tls) {
        ctx.diags.error(entry.pos, "'" + entry.text + "' is " + (b->tls ? "mqtts://" : "mqtt://") +
                                       " but the first url is " +
                                       (b->tls ? "mqtt://" : "mqtts://") +
                                       ": the brokers of a list share one scheme (and one "
                                       "set of credentials)");
        continue;
      }
      auto same = std::find_if(brokers.begin(), brokers.end(), [&](const auto& other) {
        return lowercase_host(other.first.host) == lowercase_host(b->host) &&
               other.first.port == b->port;
      });
      if (same != brokers.end()) {
        ctx.diags.error(entry.pos, "broker '" + entry.text + "' is listed twice (first at line " +
                                       std::to_string(same->second.line) + ")");
        continue;
      }
      brokers.emplace_back(*b, entry.pos);
      u.urls.push_back(entry.text);
    }
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
  if (ctx.service_user)
    for (const auto& [key, file] : {std::pair<const char*, const std::string&>{"password_file", u.password_file},
                                    {"ca_file", u.ca_file},
                                    {"cert_file", u.cert_file},
                                    {"key_file", u.key_file}})
      if (!file.empty())
        if (std::string why = why_unreadable(*ctx.service_user, file); !why.empty()) {
          struct stat st {};
          const struct group* gr = ::getgrgid(ctx.service_user->gid);
          const std::string group = gr ? gr->gr_name : std::to_string(ctx.service_user->gid);
          // Advice only for a file that is there: a missing one needs no chmod.
          const std::string advice = ::stat(file.c_str(), &st) != 0
                                         ? ""
                                         : " (for example: chown root:" + group + " " + file +
                                               " && chmod 0640 " + file + ")";
          r.error_at_value(key, file + " cannot be read by user " + ctx.service_user->name +
                                    ", the service's account: " + why + advice);
        }
  // Secrets others can read are leaked secrets: say so at `check` and at `run` (a warning,
  // as a package may be half set up; the daemon still starts). docs/install.md asks for
  // root:farmgate 0640: the service's group reading it is the point, not a leak.
  for (const char* key : {"password_file", "key_file"}) {
    const std::string& secret = std::string(key) == "key_file" ? u.key_file : u.password_file;
    if (const std::string leak = secret.empty() ? "" : secret_leak(secret, ctx.service_user); !leak.empty())
      r.warning_at_value(key, secret + " " + leak + ": chown root:farmgate " + secret +
                                  " && chmod 0640 " + secret);
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
  if (auto c = r.choice("compress", {"none", "zstd"})) {
    u.compress = *c == "zstd" ? Compression::zstd : Compression::none;
    // Only farmgate's own platform reads the zstd topic; ThingsBoard takes JSON only,
    // Sparkplug protobuf.
    if (u.compress == Compression::zstd && u.profile != UplinkProfile::farmgate)
      r.error_at_value("compress", std::string("compress: zstd is for profile farmgate; ") +
                                       "profile " + to_string(u.profile) + " reads its own format only");
  }
  // Per host: a password to a cluster node in clear text is as leaked as to a lone broker.
  if (!u.allow_insecure && (r.has("username") || r.has("password_file")))
    for (const auto& [broker, pos] : brokers)
      if (!broker.tls && !is_loopback(broker.host))
        ctx.diags.error(pos, "a username/password over plain mqtt:// to '" + broker.host +
                                 "' travels in clear text: use mqtts:// or set allow_insecure: "
                                 "true");
  return u;
}

}  // namespace farmgate::config
