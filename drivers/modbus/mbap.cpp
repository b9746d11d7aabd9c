#include "drivers/modbus/mbap.h"

namespace farmgate::modbus {

Mbap parse_mbap(const std::uint8_t* h) {
  Mbap m;
  m.transaction = static_cast<std::uint16_t>((h[0] << 8) | h[1]);
  m.protocol = static_cast<std::uint16_t>((h[2] << 8) | h[3]);
  m.length = static_cast<std::uint16_t>((h[4] << 8) | h[5]);
  m.unit = h[6];
  return m;
}

std::vector<std::uint8_t> tcp_frame(std::uint16_t transaction, std::uint8_t unit,
                                    const std::vector<std::uint8_t>& pdu) {
  const std::size_t length = pdu.size() + 1;
  std::vector<std::uint8_t> f(kMbapSize + pdu.size());
  f[0] = static_cast<std::uint8_t>(transaction >> 8);
  f[1] = static_cast<std::uint8_t>(transaction & 0xFF);
  f[2] = f[3] = 0;  // protocol: Modbus
  f[4] = static_cast<std::uint8_t>(length >> 8);
  f[5] = static_cast<std::uint8_t>(length & 0xFF);
  f[6] = unit;
  for (std::size_t i = 0; i < pdu.size(); ++i) f[kMbapSize + i] = pdu[i];
  return f;
}

}  // namespace farmgate::modbus
