// How to reach the broker: the `uplink:` section of the config turned into what the MQTT
// client needs. Pure except for reading password_file.
#pragma once

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "common/clock.h"
#include "config/config.h"

namespace farmgate::uplink {

// The system's CA bundle (Debian's ca-certificates), trusted when no ca_file is given.
constexpr const char* kSystemCaBundle = "/etc/ssl/certs/ca-certificates.crt";

// One broker of uplink.url, in both spellings.
struct BrokerAddress {
  std::string url;  // as written in the config: for logs and status
  std::string uri;  // Paho's form: tcp://host:port or ssl://host:port
};

struct LinkSettings {
  // uplink.url in the config's order (MqttLink tries them in turn).
  std::vector<BrokerAddress> brokers;
  std::string client_id;
  std::string username;
  std::string password;  // read from password_file; "" when none
  bool tls = false;
  std::string trust_store;          // tls: ca_file, or kSystemCaBundle
  std::string cert_file, key_file;  // tls: client certificate, optional
  std::string topic_base;           // "{topic_prefix}/{gateway.id}/"
  // The will: {"state":"offline"}, retained on topic_base + "status" (the profile's offline(),
  // uplink/profile.h, where another profile speaks other topics).
  std::string will_topic;
  std::string will_payload;
  bool will_retained = true;
  Duration keep_alive{30000};
  Duration connect_timeout{10000};
  Duration min_retry{1000}, max_retry{60000};  // reconnect backoff
  // A PUBACK overdue by more than this drops and re-opens the connection (uplink.ack_timeout).
  Duration ack_timeout{30000};
  // Incoming messages larger than this are reported by size only, never copied.
  std::size_t max_message_bytes = 4096;
};

// mqtt://h[:p] -> tcp://h:p (1883), mqtts://h[:p] -> ssl://h:p (8883); "" when neither.
std::string paho_uri(const std::string& url, bool* tls);

// Reads a password file: the first line, without its trailing newline (and CR).
// Returns false and an error naming the file when it cannot be read.
bool read_password_file(const std::string& path, std::string* password, std::string* error);

// Builds the settings from config.uplink (which must be present). Returns the settings or
// the reason they cannot be had (an unreadable password_file, an unsupported url).
std::variant<LinkSettings, std::string> link_settings(const config::Config& config);

}  // namespace farmgate::uplink
