// One MQTT message as a profile shapes it (uplink/profile.h) and the forwarder hands it to
// the link: published at QoS 1.
#pragma once

#include <string>

namespace farmgate::uplink {

struct Message {
  std::string topic;
  std::string payload;
  bool retained = false;
};

}  // namespace farmgate::uplink
