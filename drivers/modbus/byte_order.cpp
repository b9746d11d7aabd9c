#include "drivers/modbus/byte_order.h"

#include <algorithm>

namespace farmgate::modbus {
namespace {

// Each reordering is its own inverse, so one function serves both directions.
void reorder(std::vector<std::uint8_t>& b, config::ByteOrder order) {
  using config::ByteOrder;
  auto swap_within_registers = [&] {
    for (std::size_t i = 0; i + 1 < b.size(); i += 2) std::swap(b[i], b[i + 1]);
  };
  switch (order) {
    case ByteOrder::ABCD: break;
    case ByteOrder::DCBA: std::reverse(b.begin(), b.end()); break;
    case ByteOrder::BADC: swap_within_registers(); break;
    case ByteOrder::CDAB:  // reverse the registers, keep each one's bytes
      std::reverse(b.begin(), b.end());
      swap_within_registers();
      break;
  }
}

}  // namespace

std::vector<std::uint8_t> registers_to_bytes(const std::uint16_t* regs, int count,
                                             config::ByteOrder order) {
  std::vector<std::uint8_t> b;
  b.reserve(static_cast<std::size_t>(count) * 2);
  for (int i = 0; i < count; ++i) {
    b.push_back(static_cast<std::uint8_t>(regs[i] >> 8));
    b.push_back(static_cast<std::uint8_t>(regs[i] & 0xFF));
  }
  reorder(b, order);
  return b;
}

std::vector<std::uint16_t> bytes_to_registers(const std::vector<std::uint8_t>& bytes,
                                              config::ByteOrder order) {
  std::vector<std::uint8_t> b = bytes;
  reorder(b, order);
  std::vector<std::uint16_t> regs;
  for (std::size_t i = 0; i + 1 < b.size(); i += 2)
    regs.push_back(static_cast<std::uint16_t>((b[i] << 8) | b[i + 1]));
  return regs;
}

}  // namespace farmgate::modbus
