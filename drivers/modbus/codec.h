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

// What to write to `point` so that it reads back as `value`. A value the registers cannot
// hold after scale/offset is refused with the range that can be written, in the point's unit.
Encoded encode(const config::Point& point, double value);

// What a `set` of `point` to `value` will really write (spec §7 "writes that can be written"),
// decided before any I/O so that the daemon and the CLI refuse or round up front:
//  - outside what the register can hold after scale/offset: !ok, `error` names the range;
//  - between two steps of an integer register's resolution (12.7 on a register of step 1):
//    rounded to the nearest step; `value` is what will be written and read back, `rounded`
//    says it differs from the request. Float registers take the value as asked.
struct PlannedWrite {
  bool ok = false;
  std::string error;   // when !ok, "POINT: ..."
  double value = 0;    // when ok: the value in the point's unit that the write stores
  bool rounded = false;
};
PlannedWrite plan_write(const config::Point& point, double value);

// True when `a` and `b` put the same registers (or bit) on the wire for `point`: a read-back
// is compared at the register's resolution, so 12.7 written as 13 is no mismatch, and a
// float32 read back as its nearest float equals the double asked for. A value that cannot be
// encoded equals nothing.
bool same_at_resolution(const config::Point& point, double a, double b);

}  // namespace farmgate::modbus
