#include "drivers/modbus/codec.h"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <sstream>

#include "drivers/modbus/byte_order.h"

namespace farmgate::modbus {
namespace {

using config::ValueType;

std::uint64_t big_endian(const std::vector<std::uint8_t>& b) {
  std::uint64_t v = 0;
  for (std::uint8_t byte : b) v = (v << 8) | byte;
  return v;
}

std::vector<std::uint8_t> to_big_endian(std::uint64_t v, int bytes) {
  std::vector<std::uint8_t> b(static_cast<std::size_t>(bytes));
  for (int i = bytes - 1; i >= 0; --i, v >>= 8) b[static_cast<std::size_t>(i)] = v & 0xFF;
  return b;
}

bool is_bool(const config::Point& p) {
  return config::is_bit_table(p.table) || p.type == ValueType::boolean;
}

Reading base_reading(const config::Point& p) {
  Reading r;
  r.point = p.id;
  r.unit = p.unit;
  r.boolean = is_bool(p);
  return r;
}

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(15);
  s << v;
  return s.str();
}

// Applies scale/offset and the quality rules to a raw value.
Reading finish(const config::Point& p, double raw) {
  Reading r = base_reading(p);
  const double v = r.boolean ? (raw != 0 ? 1.0 : 0.0) : raw * p.scale + p.offset;
  r.value = v;
  r.quality = Quality::good;
  if (!std::isfinite(v)) {
    r.quality = Quality::bad;
    r.error = "not a finite number";
  } else if (!r.boolean && ((p.valid_min && v < *p.valid_min) || (p.valid_max && v > *p.valid_max))) {
    r.quality = Quality::bad;
    r.error = "outside valid range [" + fmt(p.valid_min.value_or(-INFINITY)) + ", " +
              fmt(p.valid_max.value_or(INFINITY)) + "]";
  }
  return r;
}

struct Range {
  double lo, hi;  // inclusive; for 64-bit types hi is 2^63 / 2^64, exclusive (see below)
  bool hi_exclusive;
};

Range integer_range(ValueType t) {
  switch (t) {
    case ValueType::int16: return {-32768.0, 32767.0, false};
    case ValueType::uint16: return {0.0, 65535.0, false};
    case ValueType::int32: return {-2147483648.0, 2147483647.0, false};
    case ValueType::uint32: return {0.0, 4294967295.0, false};
    // 2^63 - 1 and 2^64 - 1 are not doubles: compare against the exclusive powers of two.
    case ValueType::int64: return {-9223372036854775808.0, 9223372036854775808.0, true};
    case ValueType::uint64: return {0.0, 18446744073709551616.0, true};
    default: return {0.0, 1.0, false};
  }
}

// "uint16 at scale 0.1 holds [0, 6553.5] in steps of 0.1": what a technician can write.
std::string holds(const config::Point& p) {
  double lo, hi;
  if (p.type == ValueType::float32) {
    lo = -FLT_MAX;
    hi = FLT_MAX;
  } else if (p.type == ValueType::float64) {
    lo = -DBL_MAX;
    hi = DBL_MAX;
  } else {
    const Range r = integer_range(p.type);
    lo = r.lo;
    hi = r.hi_exclusive ? r.hi - 1 : r.hi;  // rounds to the power of two: near enough to show
  }
  double a = lo * p.scale + p.offset, b = hi * p.scale + p.offset;
  if (a > b) std::swap(a, b);
  std::string s = std::string(config::to_string(p.type));
  if (p.scale != 1 || p.offset != 0) s += " with scale " + fmt(p.scale) + ", offset " + fmt(p.offset);
  s += " holds [" + fmt(a) + ", " + fmt(b) + "]";
  if (p.type != ValueType::float32 && p.type != ValueType::float64)
    s += " in steps of " + fmt(std::fabs(p.scale));
  return s;
}

}  // namespace

double decode_raw(ValueType type, config::ByteOrder order, const std::uint16_t* regs) {
  const int n = config::register_count(type);
  const std::uint64_t u = big_endian(registers_to_bytes(regs, n, order));
  switch (type) {
    case ValueType::boolean: return u != 0 ? 1.0 : 0.0;
    case ValueType::int16: return static_cast<std::int16_t>(u);
    case ValueType::uint16: return static_cast<double>(u);
    case ValueType::int32: return static_cast<std::int32_t>(u);
    case ValueType::uint32: return static_cast<double>(u);
    case ValueType::int64: return static_cast<double>(static_cast<std::int64_t>(u));
    case ValueType::uint64: return static_cast<double>(u);
    case ValueType::float32: {
      const auto bits = static_cast<std::uint32_t>(u);
      float f;
      std::memcpy(&f, &bits, sizeof f);
      return f;
    }
    case ValueType::float64: {
      double d;
      std::memcpy(&d, &u, sizeof d);
      return d;
    }
  }
  return NAN;
}

Reading decode_registers(const config::Point& point, const std::uint16_t* regs) {
  if (point.type == ValueType::boolean) return finish(point, regs[0] != 0 ? 1 : 0);
  return finish(point, decode_raw(point.type, point.order, regs));
}

Reading decode_bit(const config::Point& point, bool bit) { return finish(point, bit ? 1 : 0); }

Reading error_reading(const config::Point& point, const std::string& error) {
  Reading r = base_reading(point);
  r.quality = Quality::error;
  r.error = error;
  return r;
}

Encoded encode(const config::Point& point, double value) {
  Encoded e;
  auto fail = [&](const std::string& why) {
    e.error = point.id + ": " + why;
    return e;
  };
  if (!std::isfinite(value)) return fail("value is not a finite number");
  if (is_bool(point)) {
    if (value != 0 && value != 1) return fail(fmt(value) + " is not a boolean (0 or 1)");
    e.ok = true;
    e.values = {static_cast<std::uint16_t>(value)};
    return e;
  }
  if (point.scale == 0) return fail("scale is 0: no value can be written");
  const double raw = (value - point.offset) / point.scale;
  const int n = config::register_count(point.type);
  std::uint64_t bits = 0;
  if (point.type == ValueType::float32) {
    if (!(std::fabs(raw) <= FLT_MAX)) return fail(fmt(value) + " is out of range: " + holds(point));
    const float f = static_cast<float>(raw);
    std::uint32_t b32;
    std::memcpy(&b32, &f, sizeof b32);
    bits = b32;
  } else if (point.type == ValueType::float64) {
    if (!std::isfinite(raw)) return fail(fmt(value) + " is out of range: " + holds(point));
    std::memcpy(&bits, &raw, sizeof bits);
  } else {
    const double r = std::round(raw);
    const Range range = integer_range(point.type);
    const bool above = range.hi_exclusive ? r >= range.hi : r > range.hi;
    if (r < range.lo || above) return fail(fmt(value) + " is out of range: " + holds(point));
    if (point.type == ValueType::uint64)
      bits = static_cast<std::uint64_t>(r);
    else  // two's complement of the signed value, truncated to the type's width below
      bits = static_cast<std::uint64_t>(static_cast<std::int64_t>(r));
  }
  auto bytes = to_big_endian(bits, n * 2);
  e.values = bytes_to_registers(bytes, point.order);
  e.ok = true;
  return e;
}

}  // namespace farmgate::modbus

namespace farmgate::modbus {

PlannedWrite plan_write(const config::Point& point, double value) {
  PlannedWrite out;
  const Encoded e = encode(point, value);
  if (!e.ok) {
    out.error = e.error;
    return out;
  }
  out.ok = true;
  out.value = value;
  const bool integer = !is_bool(point) && point.type != ValueType::float32 &&
                       point.type != ValueType::float64;
  if (!integer) return out;
  // What the registers decode to is what the device will hold and report.
  const Reading r = decode_registers(point, e.values.data());
  if (r.value && *r.value != value) {
    // Shown as the decoded double but rounded to 15 digits: 13, not 12.999999999999998.
    out.value = std::stod(fmt(*r.value));
    out.rounded = true;
  }
  return out;
}

bool same_at_resolution(const config::Point& point, double a, double b) {
  if (a == b) return true;
  const Encoded ea = encode(point, a), eb = encode(point, b);
  return ea.ok && eb.ok && ea.values == eb.values;
}

}  // namespace farmgate::modbus
