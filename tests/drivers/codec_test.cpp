#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "drivers/modbus/codec.h"

using namespace farmgate;
using config::ByteOrder;
using config::ValueType;

namespace {

struct Case {
  ValueType type;
  ByteOrder order;
  std::vector<std::uint16_t> regs;  // as on the wire
  double raw;
  bool round_trips = true;          // uint64 max is not a double: it cannot be written back
};

config::Point point(ValueType type, ByteOrder order = ByteOrder::ABCD) {
  config::Point p;
  p.name = "x";
  p.id = "dev.x";
  p.type = type;
  p.order = order;
  return p;
}

// Known byte patterns: float32 123.456 = 42 F6 E9 79, int32 -123456 = FF FE 1D C0,
// uint32 0x12345678, float64 pi = 40 09 21 FB 54 44 2D 18, int64 min = 80 00 .. 00.
const std::vector<Case> kCases = {
    {ValueType::float32, ByteOrder::ABCD, {0x42F6, 0xE979}, 123.456f},
    {ValueType::float32, ByteOrder::CDAB, {0xE979, 0x42F6}, 123.456f},
    {ValueType::float32, ByteOrder::BADC, {0xF642, 0x79E9}, 123.456f},
    {ValueType::float32, ByteOrder::DCBA, {0x79E9, 0xF642}, 123.456f},
    {ValueType::int32, ByteOrder::ABCD, {0xFFFE, 0x1DC0}, -123456},
    {ValueType::int32, ByteOrder::CDAB, {0x1DC0, 0xFFFE}, -123456},
    {ValueType::int32, ByteOrder::BADC, {0xFEFF, 0xC01D}, -123456},
    {ValueType::int32, ByteOrder::DCBA, {0xC01D, 0xFEFF}, -123456},
    {ValueType::uint32, ByteOrder::ABCD, {0x1234, 0x5678}, 305419896},
    {ValueType::uint32, ByteOrder::CDAB, {0x5678, 0x1234}, 305419896},
    {ValueType::uint32, ByteOrder::BADC, {0x3412, 0x7856}, 305419896},
    {ValueType::uint32, ByteOrder::DCBA, {0x7856, 0x3412}, 305419896},
    {ValueType::uint32, ByteOrder::ABCD, {0xFFFF, 0xFFFF}, 4294967295.0},
    {ValueType::int16, ByteOrder::ABCD, {0xFF33}, -205},
    {ValueType::int16, ByteOrder::CDAB, {0xFF33}, -205},
    {ValueType::int16, ByteOrder::BADC, {0x33FF}, -205},
    {ValueType::int16, ByteOrder::DCBA, {0x33FF}, -205},
    {ValueType::uint16, ByteOrder::ABCD, {0xFFFF}, 65535},
    {ValueType::float64, ByteOrder::ABCD, {0x4009, 0x21FB, 0x5444, 0x2D18}, M_PI},
    {ValueType::float64, ByteOrder::CDAB, {0x2D18, 0x5444, 0x21FB, 0x4009}, M_PI},
    {ValueType::float64, ByteOrder::BADC, {0x0940, 0xFB21, 0x4454, 0x182D}, M_PI},
    {ValueType::float64, ByteOrder::DCBA, {0x182D, 0x4454, 0xFB21, 0x0940}, M_PI},
    {ValueType::int64, ByteOrder::ABCD, {0x8000, 0, 0, 0}, -9223372036854775808.0},
    {ValueType::int64, ByteOrder::CDAB, {0, 0, 0, 0x8000}, -9223372036854775808.0},
    {ValueType::int64, ByteOrder::BADC, {0x0080, 0, 0, 0}, -9223372036854775808.0},
    {ValueType::int64, ByteOrder::DCBA, {0, 0, 0, 0x0080}, -9223372036854775808.0},
    {ValueType::int64, ByteOrder::ABCD, {0x7FFF, 0xFFFF, 0xFFFF, 0xFFFF}, 9223372036854775807.0,
     false},
    {ValueType::int64, ByteOrder::ABCD, {0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF}, -1},
    {ValueType::uint64, ByteOrder::ABCD, {0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF}, 18446744073709551615.0,
     false},
    {ValueType::uint64, ByteOrder::DCBA, {0x0100, 0, 0, 0}, 1},
};

}  // namespace

TEST_CASE("every type decodes in every byte order from known byte patterns", "[codec]") {
  for (const Case& c : kCases) {
    INFO(config::to_string(c.type) << " " << config::to_string(c.order));
    CHECK(modbus::decode_raw(c.type, c.order, c.regs.data()) == c.raw);
    const Reading r = modbus::decode_registers(point(c.type, c.order), c.regs.data());
    CHECK(r.quality == Quality::good);
    REQUIRE(r.value);
    CHECK(*r.value == c.raw);
  }
}

TEST_CASE("encoding what was decoded gives the same registers back", "[codec]") {
  for (const Case& c : kCases) {
    if (!c.round_trips) continue;
    INFO(config::to_string(c.type) << " " << config::to_string(c.order));
    const modbus::Encoded e = modbus::encode(point(c.type, c.order), c.raw);
    REQUIRE(e.ok);
    CHECK(e.values == c.regs);
  }
}

TEST_CASE("scale and offset apply to the raw value and invert on writing", "[codec]") {
  config::Point p = point(ValueType::int16);
  p.scale = 0.1;
  p.unit = "°C";
  const std::uint16_t reg = 0xFF33;  // XY-MD02: -20.5 °C
  const Reading r = modbus::decode_registers(p, &reg);
  CHECK(*r.value == Approx(-20.5));
  CHECK(r.unit == "°C");
  CHECK_FALSE(r.boolean);

  p.scale = 0.01;
  p.offset = -40;
  const std::uint16_t raw = 6500;  // 65.00 - 40
  CHECK(*modbus::decode_registers(p, &raw).value == Approx(25.0));
  const modbus::Encoded e = modbus::encode(p, 25.0);
  REQUIRE(e.ok);
  CHECK(e.values == std::vector<std::uint16_t>{6500});
}

TEST_CASE("integer encoding rounds to the nearest raw value", "[codec]") {
  config::Point p = point(ValueType::uint16);
  p.scale = 0.1;
  CHECK(modbus::encode(p, 12.34).values == std::vector<std::uint16_t>{123});
  CHECK(modbus::encode(p, 12.36).values == std::vector<std::uint16_t>{124});
}

TEST_CASE("a value outside valid reads bad, with its value kept", "[codec]") {
  config::Point p = point(ValueType::uint16);
  p.valid_min = 0;
  p.valid_max = 25;
  const std::uint16_t in = 20, out = 26;
  CHECK(modbus::decode_registers(p, &in).quality == Quality::good);
  const Reading r = modbus::decode_registers(p, &out);
  CHECK(r.quality == Quality::bad);
  CHECK(*r.value == 26);
  CHECK(r.error.find("valid") != std::string::npos);
}

TEST_CASE("NaN and infinity read bad", "[codec]") {
  const config::Point p = point(ValueType::float32);
  const std::uint16_t nan[] = {0x7FC0, 0x0000}, inf[] = {0x7F80, 0x0000};
  CHECK(modbus::decode_registers(p, nan).quality == Quality::bad);
  CHECK(modbus::decode_registers(p, inf).quality == Quality::bad);
}

TEST_CASE("bools are 0 or 1 on bit and register tables", "[codec]") {
  config::Point coil = point(ValueType::boolean);
  coil.table = config::Table::coil;
  const Reading on = modbus::decode_bit(coil, true);
  CHECK(on.boolean);
  CHECK(*on.value == 1);
  const std::uint16_t reg = 7;
  CHECK(*modbus::decode_registers(point(ValueType::boolean), &reg).value == 1);
  CHECK(modbus::encode(coil, 1).values == std::vector<std::uint16_t>{1});
  CHECK(modbus::encode(coil, 0).values == std::vector<std::uint16_t>{0});
  CHECK_FALSE(modbus::encode(coil, 2).ok);
}

TEST_CASE("a value the type cannot hold is refused with a reason", "[codec]") {
  struct Bad {
    ValueType type;
    double value;
  };
  const std::vector<Bad> cases = {
      {ValueType::uint16, 65536},         {ValueType::uint16, -1},
      {ValueType::int16, 32768},          {ValueType::int16, -32769},
      {ValueType::uint32, 4294967296.0},  {ValueType::int32, 2147483648.0},
      {ValueType::int64, 9223372036854775808.0}, {ValueType::uint64, -1},
      {ValueType::uint64, 18446744073709551616.0}, {ValueType::float32, 1e39},
      {ValueType::float64, std::numeric_limits<double>::quiet_NaN()},
  };
  for (const Bad& b : cases) {
    INFO(config::to_string(b.type) << " " << b.value);
    const modbus::Encoded e = modbus::encode(point(b.type), b.value);
    CHECK_FALSE(e.ok);
    CHECK(e.error.find("dev.x") == 0);
  }
  // The limits themselves are fine.
  CHECK(modbus::encode(point(ValueType::int16), -32768).ok);
  CHECK(modbus::encode(point(ValueType::uint32), 4294967295.0).ok);
}

TEST_CASE("scale applies before the range check", "[codec]") {
  config::Point p = point(ValueType::uint16);
  p.scale = 0.01;
  CHECK(modbus::encode(p, 655.35).ok);
  CHECK_FALSE(modbus::encode(p, 655.36).ok);  // raw 65536
}
