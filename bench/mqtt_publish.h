// What one MQTT 3.1.1 PUBLISH costs on the wire, for formats the benchmarks compute rather
// than send: fixed header byte, remaining length (1-4 bytes, 7 bits each), topic length
// field (2), topic, packet id (2: QoS 1 and 2), payload. Checked against mosquitto's
// $SYS/broker/bytes/received: mosquitto_pub -q 1 -t a/b -m hello costs it 14 bytes.
#pragma once

#include <cstddef>

namespace farmgate::bench {

constexpr std::size_t publish_packet_bytes(std::size_t topic_bytes, std::size_t payload_bytes) {
  const std::size_t remaining = 2 + topic_bytes + 2 + payload_bytes;
  std::size_t length_bytes = 1;
  for (std::size_t r = remaining; r >= 128; r /= 128) ++length_bytes;
  return 1 + length_bytes + remaining;
}

static_assert(publish_packet_bytes(3, 5) == 14);     // a/b, hello
static_assert(publish_packet_bytes(0, 123) == 129);  // remaining 127: one length byte
static_assert(publish_packet_bytes(0, 124) == 131);  // remaining 128: two

}  // namespace farmgate::bench
