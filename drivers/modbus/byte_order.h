// Byte orders of multi-register values (spec §3 `order`). Pure functions, no I/O.
//
// A value's bytes are named A (most significant) to B, C, D (or up to H for 64 bits). The
// registers as they arrive on the wire are laid out per order:
//   ABCD  big-endian: registers most significant first, each register high byte first
//   CDAB  word-swapped: registers least significant first, bytes within a register big-endian
//   BADC  byte-swapped: registers most significant first, bytes within a register swapped
//   DCBA  little-endian: everything reversed
// The same rule applies to 4-register (64-bit) values (CDAB: GH EF CD AB), and to 1-register
// (16-bit) values, where CDAB keeps the register as is and BADC/DCBA swap its two bytes.
#pragma once

#include <cstdint>
#include <vector>

#include "config/config.h"

namespace farmgate::modbus {

// Registers (as read, wire order) -> value bytes, most significant first (2 bytes per register).
std::vector<std::uint8_t> registers_to_bytes(const std::uint16_t* regs, int count,
                                             config::ByteOrder order);
// Value bytes, most significant first (even count) -> registers in wire order.
std::vector<std::uint16_t> bytes_to_registers(const std::vector<std::uint8_t>& bytes,
                                              config::ByteOrder order);

}  // namespace farmgate::modbus
