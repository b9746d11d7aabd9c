// The Modbus TCP frame (MODBUS Messaging on TCP/IP v1.0b §3.1.3): a 7-byte MBAP header
// (transaction id, protocol id 0, length of what follows, unit id) and the PDU. Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace farmgate::modbus {

constexpr std::size_t kMbapSize = 7;
constexpr std::size_t kMaxPduSize = 253;

struct Mbap {
  std::uint16_t transaction = 0;
  std::uint16_t protocol = 0;
  std::uint16_t length = 0;  // unit id + PDU
  std::uint8_t unit = 0;
  // A header a Modbus server can send: protocol 0, a PDU of 1..253 bytes. Anything else means
  // the byte stream is not where a frame starts (junk): only a new connection resynchronises.
  bool plausible() const { return protocol == 0 && length >= 2 && length <= kMaxPduSize + 1; }
  std::size_t pdu_size() const { return length - 1u; }
};

Mbap parse_mbap(const std::uint8_t* header);
std::vector<std::uint8_t> tcp_frame(std::uint16_t transaction, std::uint8_t unit,
                                    const std::vector<std::uint8_t>& pdu);

}  // namespace farmgate::modbus
