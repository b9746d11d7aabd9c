// Spec §7 "writes that can be written" (codec.h plan_write, same_at_resolution): a `set`
// outside what the register can hold after scale/offset is refused with the range; a value
// between two steps is rounded and says so; a read-back compares at the register's resolution.
#include <catch2/catch.hpp>

#include "drivers/modbus/codec.h"

using namespace farmgate;
using config::Table;
using config::ValueType;

namespace {

config::Point writable_point(ValueType type, double scale = 1, double offset = 0) {
  config::Point p;
  p.name = "x";
  p.id = "dev.x";
  p.table = Table::holding;
  p.type = type;
  p.scale = scale;
  p.offset = offset;
  p.writable = true;
  return p;
}

}  // namespace

TEST_CASE("a value a uint16 register cannot hold is refused with the range in the error",
          "[codec][write_range]") {
  const modbus::PlannedWrite w = modbus::plan_write(writable_point(ValueType::uint16), 70000);
  CHECK_FALSE(w.ok);
  CHECK(w.error == "dev.x: 70000 is out of range: uint16 holds [0, 65535] in steps of 1");
  CHECK_FALSE(modbus::plan_write(writable_point(ValueType::uint16), -1).ok);
  CHECK(modbus::plan_write(writable_point(ValueType::uint16), 65535).ok);
  CHECK(modbus::plan_write(writable_point(ValueType::uint16), 65535.4).ok);  // rounds to 65535
  CHECK_FALSE(modbus::plan_write(writable_point(ValueType::uint16), 65535.5).ok);
}

TEST_CASE("the range is stated after scale and offset, in the point's unit", "[codec][write_range]") {
  // A setpoint in 0.1 degC with -40 offset: raw 0..65535 is -40 .. 6513.5.
  const modbus::PlannedWrite w = modbus::plan_write(writable_point(ValueType::uint16, 0.1, -40), 7000);
  CHECK_FALSE(w.ok);
  CHECK(w.error ==
        "dev.x: 7000 is out of range: uint16 with scale 0.1, offset -40 holds [-40, 6513.5] in "
        "steps of 0.1");
  CHECK_FALSE(modbus::plan_write(writable_point(ValueType::uint16, 0.1, -40), -40.1).ok);
  // A negative scale turns the range round.
  const modbus::PlannedWrite n = modbus::plan_write(writable_point(ValueType::int16, -1), 40000);
  CHECK(n.error.find("holds [-32767, 32768]") != std::string::npos);
  CHECK(modbus::plan_write(writable_point(ValueType::int16, -1), 32768).ok);
}

TEST_CASE("a value between two steps is rounded and the result says what is written",
          "[codec][write_range]") {
  modbus::PlannedWrite w = modbus::plan_write(writable_point(ValueType::uint16), 12.7);
  REQUIRE(w.ok);
  CHECK(w.rounded);
  CHECK(w.value == 13);
  w = modbus::plan_write(writable_point(ValueType::int16, 0.5), 12.3);
  REQUIRE(w.ok);
  CHECK(w.rounded);
  CHECK(w.value == 12.5);
  // scale 0.1: 21.46 -> 21.5, shown as 21.5 (not 21.500000000000004).
  w = modbus::plan_write(writable_point(ValueType::int16, 0.1), 21.46);
  REQUIRE(w.ok);
  CHECK(w.value == 21.5);
  // On a step, or on a float register, nothing is rounded.
  w = modbus::plan_write(writable_point(ValueType::uint16, 0.5), 12.5);
  CHECK((w.ok && !w.rounded && w.value == 12.5));
  w = modbus::plan_write(writable_point(ValueType::float32), 12.7);
  CHECK((w.ok && !w.rounded && w.value == 12.7));
}

TEST_CASE("a read-back is compared at the register's resolution", "[codec][write_range]") {
  const config::Point u16 = writable_point(ValueType::uint16);
  CHECK(modbus::same_at_resolution(u16, 12.7, 13));
  CHECK_FALSE(modbus::same_at_resolution(u16, 12.4, 13));
  CHECK_FALSE(modbus::same_at_resolution(u16, 70000, 65535));  // cannot be written: no match
  const config::Point tenth = writable_point(ValueType::int16, 0.1);
  CHECK(modbus::same_at_resolution(tenth, 21.46, 21.500000000000004));
  const config::Point f32 = writable_point(ValueType::float32);
  CHECK(modbus::same_at_resolution(f32, 12.7, static_cast<double>(12.7f)));
  CHECK_FALSE(modbus::same_at_resolution(f32, 12.7, 12.8));
  config::Point coil = writable_point(ValueType::boolean);
  coil.table = Table::coil;
  CHECK(modbus::same_at_resolution(coil, 1, 1));
  CHECK_FALSE(modbus::same_at_resolution(coil, 1, 0));
}
