#include "config/units.h"

#include <catch2/catch.hpp>

using namespace farmgate;
using namespace farmgate::config;

TEST_CASE("durations take every suffix of the spec", "[config][units]") {
  CHECK(parse_duration("250ms").value() == Duration{250});
  CHECK(parse_duration("10s").value() == Duration{10'000});
  CHECK(parse_duration("5m").value() == Duration{300'000});
  CHECK(parse_duration("2h").value() == Duration{7'200'000});
  CHECK(parse_duration("1d").value() == Duration{86'400'000});
  CHECK(parse_duration("0").value() == Duration{0});
  CHECK(parse_duration("0s").value() == Duration{0});
}

TEST_CASE("durations without a known unit, negative or fractional are refused", "[config][units]") {
  for (const char* bad : {"10", "10x", "1.5s", "-1s", "s", "", "10 s", "10S", "1w"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad).ok());
  }
  CHECK(parse_duration("10").error().find("has no unit") != std::string::npos);
}

TEST_CASE("a duration past int64 milliseconds is an overflow, not a wrap", "[config][units]") {
  CHECK_FALSE(parse_duration("99999999999999999999ms").ok());
  CHECK_FALSE(parse_duration("200000000000000d").ok());
  CHECK(parse_duration("200000000000000d").error().find("too large") != std::string::npos);
  CHECK(parse_duration("106751991167d").ok());  // just under the int64 limit
}

TEST_CASE("sizes take binary suffixes", "[config][units]") {
  CHECK(parse_size("512B").value() == 512);
  CHECK(parse_size("64KiB").value() == 64u << 10);
  CHECK(parse_size("256MiB").value() == 256u << 20);
  CHECK(parse_size("1GiB").value() == 1ull << 30);
  CHECK(parse_size("2TiB").value() == 2ull << 40);
}

TEST_CASE("decimal size units are refused with a hint", "[config][units]") {
  auto r = parse_size("256MB");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("256MiB") != std::string::npos);
  for (const char* bad :
       {"256", "1.5GiB", "GiB", "-1KiB", "1kib", "99999999999999999999GiB", "20000000000GiB"}) {
    INFO(bad);
    CHECK_FALSE(parse_size(bad).ok());
  }
}

TEST_CASE("addresses are decimal or 0x hex, 0..65535", "[config][units]") {
  CHECK(parse_address("0").value() == 0);
  CHECK(parse_address("10").value() == 10);
  CHECK(parse_address("65535").value() == 65535);
  CHECK(parse_address("0x10").value() == 16);
  CHECK(parse_address("0X00ff").value() == 255);
  CHECK(parse_address("0xFFFF").value() == 65535);
  CHECK(parse_address("0x0000").value() == 0);
  for (const char* bad : {"65536", "0x10000", "0x", "0xg1", "-1", "1.0", "ten", "", "10h",
                          "99999999999999999999999"}) {
    INFO(bad);
    CHECK_FALSE(parse_address(bad).ok());
  }
}

TEST_CASE("a decimal address with a leading zero is refused, naming both readings",
          "[config][units]") {
  auto r = parse_address("010");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == "address '010' has a leading zero: write 10 (decimal) or 0x10 (hex)");
  CHECK_FALSE(parse_address("00").ok());
}

TEST_CASE("numbers and integers reject what YAML would guess at", "[config][units]") {
  CHECK(parse_number("-0.5").value() == -0.5);
  CHECK(parse_number("1e3").value() == 1000);
  CHECK(parse_integer("-3").value() == -3);
  for (const char* bad : {"abc", "", "nan", "inf", ".inf", "0x10", "1,5"}) {
    INFO(bad);
    CHECK_FALSE(parse_number(bad).ok());
  }
  CHECK(parse_number("abc").error() == "expected a number, got 'abc'");
  CHECK_FALSE(parse_integer("1.5").ok());
  CHECK_FALSE(parse_integer("99999999999999999999").ok());
}

TEST_CASE("durations print in the largest exact unit", "[config][units]") {
  CHECK(format_duration(Duration{250}) == "250ms");
  CHECK(format_duration(Duration{4000}) == "4s");
  CHECK(format_duration(Duration{90'000}) == "90s");
  CHECK(format_duration(Duration{86'400'000}) == "1d");
}
