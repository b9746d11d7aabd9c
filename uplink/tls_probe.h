// Why a TLS connection to the broker fails, in OpenSSL's words ("certificate verify failed:
// self-signed certificate in certificate chain"). Paho reports only a generic connect
// failure, and its SSL error callback cannot be used safely: Paho C++ 1.2 hands Paho C a
// context pointer into a copy of the options that is gone when the callback fires.
#pragma once

#include <string>

#include "common/clock.h"
#include "uplink/link_settings.h"

namespace farmgate::uplink {

// Connects to `server_uri` (ssl://host:port, a broker of settings.brokers) with the same trust
// store, client certificate and host-name check as the link, and returns the reason the
// handshake fails, or "" when it succeeds. Blocks for at most about `timeout`: call it off
// the loop thread.
std::string probe_tls(const LinkSettings& settings, const std::string& server_uri,
                      Duration timeout);

}  // namespace farmgate::uplink
