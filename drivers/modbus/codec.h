// Decoding a point's value from registers or bits, and encoding a value for writing
// (spec §3: type, order, scale, offset, valid). Pure functions, no I/O.
//
// Decoding: value = raw * scale + offset. Outside `valid` (when set) or not finite (NaN, inf):
// Quality::bad with the value kept and `error` saying why. A bool point is 0 or 1, unscaled;
// on a register table a bool is "register != 0".
// Encoding: raw = (value - offset) / scale, rounded to nearest for integer types, then checked
// against the type's range; a bool takes exactly 0 or 1. Failures come back as values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/reading.h"
#include "config/config.h"

namespace farmgate::modbus {

// The raw number held by register_count(type) registers (wire order) of the given order.
// int64/uint64 beyond 2^53 lose precision (the result is a double).
double decode_raw(config::ValueType type, config::ByteOrder order, const std::uint16_t* regs);

// A reading of `point` (point id, value, boolean, unit, quality, error); ts_ms is left 0 for
// the caller. `regs` holds register_count(point.type) registers starting at point.address.
Reading decode_registers(const config::Point& point, const std::uint16_t* regs);
// The same for a coil or discrete input.
Reading decode_bit(const config::Point& point, bool bit);
// A reading with quality error, no value, and `error` as the reason.
Reading error_reading(const config::Point& point, const std::string& error);

struct Encoded {
  bool ok = false;
  std::string error;                   // why not, when !ok
  std::vector<std::uint16_t> values;   // registers in wire order; bit tables: one 0/1 element
};

// What to write to `point` so that it reads back as `value`.
Encoded encode(const config::Point& point, double value);

}  // namespace farmgate::modbus
