// The Modbus response decoder: decode_registers / decode_bit for a point whose type, byte
// order, scale, offset and valid range come from the first bytes and whose registers are
// the rest (what a device answered). No crash, no UB (incl. float->int conversions); a
// reading is good only with a finite value (a number: inside `valid`); encode() on the
// decoded value does not crash either.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "drivers/modbus/codec.h"

using namespace farmgate;

namespace {

double take_double(const std::uint8_t*& p, std::size_t& n) {
  double d = 0;
  if (n >= sizeof d) {
    std::memcpy(&d, p, sizeof d);
    p += sizeof d;
    n -= sizeof d;
  }
  return std::isfinite(d) ? d : 0;  // the loader takes finite numbers only
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t shape = data[0], flags = data[1];
  const std::uint8_t* p = data + 2;
  std::size_t n = size - 2;
  config::Point point;
  point.id = "fuzz.point";
  point.table = static_cast<config::Table>(shape % 4);
  point.type = static_cast<config::ValueType>((shape / 4) % 9);
  point.order = static_cast<config::ByteOrder>((shape / 40) % 4);
  const bool bits = point.table == config::Table::coil || point.table == config::Table::discrete;
  if (bits) point.type = config::ValueType::boolean;  // as the loader makes it
  if (flags & 1) point.scale = take_double(p, n);
  if (flags & 2) point.offset = take_double(p, n);
  if (flags & 4) point.valid_min = take_double(p, n);
  if (flags & 8) point.valid_max = take_double(p, n);
  std::vector<std::uint16_t> regs(4, 0);  // the widest type (64 bit) needs 4
  for (std::size_t i = 0; i < 4 && 2 * i + 1 < n; ++i)
    regs[i] = static_cast<std::uint16_t>(p[2 * i] << 8 | p[2 * i + 1]);

  Reading r = bits ? modbus::decode_bit(point, n > 0 && (p[0] & 1))
                  : modbus::decode_registers(point, regs.data());
  if (r.quality == Quality::good) {
    if (!r.value || !std::isfinite(*r.value)) __builtin_trap();
    // `valid` applies to numbers; a bool is 0 or 1 whatever range is written (codec.h).
    const bool number = point.type != config::ValueType::boolean;
    if (number && point.valid_min && *r.value < *point.valid_min) __builtin_trap();
    if (number && point.valid_max && *r.value > *point.valid_max) __builtin_trap();
  }
  if (r.value) modbus::encode(point, *r.value);
  if (flags & 16) modbus::encode(point, take_double(p, n));
  return 0;
}
