// The health line of `systemctl status farmgate` (daemon/health_status.h): what it says, and
// that nothing in an error text or a config diagnostic can break out of its STATUS= assignment.
#include "daemon/health_status.h"

#include <catch2/catch.hpp>

using namespace farmgate::daemon;
using Kind = DeviceState::Kind;

TEST_CASE(
    "the health line counts devices ok and failing, names the failing ones and the unsent "
    "readings",
    "[deploy][status]") {
  HealthFigures f;
  f.devices = {{"pond1_do", Kind::ok, ""},
               {"pond2_do", Kind::failing, "timeout"},
               {"pond1_relay", Kind::ok, ""},
               {"weather", Kind::ok, ""}};
  f.unsent = 120;
  CHECK(health_line(f) == "3 devices ok, 1 failing (pond2_do: timeout); 120 unsent");
}

TEST_CASE(
    "the health line says which devices were not polled yet, drops and a buffer that "
    "takes no writes",
    "[deploy][status]") {
  HealthFigures f;
  f.devices = {{"a", Kind::ok, ""}, {"b", Kind::not_polled, ""}, {"c", Kind::not_polled, ""}};
  f.unsent = 1;
  f.dropped = 5;
  f.buffer_failing = true;
  CHECK(health_line(f) ==
        "1 device ok, 2 not polled yet; 1 unsent, 5 dropped, buffer not writable");
  CHECK(health_line(HealthFigures{}) == "no devices; 0 unsent");
}

TEST_CASE("with many failing devices the health line names three and counts the rest",
          "[deploy][status]") {
  HealthFigures f;
  for (int i = 0; i < 40; ++i)
    f.devices.push_back({"device_" + std::to_string(i), Kind::failing, std::string(500, 'e')});
  const std::string line = health_line(f);
  CHECK(line.rfind("0 devices ok, 40 failing (device_0: eee", 0) == 0);
  CHECK(line.find("device_2: ") != std::string::npos);
  CHECK(line.find("device_3: ") == std::string::npos);
  CHECK(line.find(", +37 more); 0 unsent") != std::string::npos);
  CHECK(line.size() <= kMaxStatusLength);
}

TEST_CASE("a newline or invalid UTF-8 in an error text cannot forge a notify assignment",
          "[deploy][status]") {
  HealthFigures f;
  f.devices = {{"plc", Kind::failing, "bad\nWATCHDOG=1\nREADY=1\r\x7f\xff"}};
  const std::string line = health_line(f);
  CHECK(line ==
        "0 devices ok, 1 failing (plc: bad\\x0AWATCHDOG=1\\x0AREADY=1\\x0D\\x7F\\xFF); 0 unsent");
  CHECK(line.find('\n') == std::string::npos);
}

TEST_CASE("one_line keeps UTF-8 text whole and cuts long text at a character boundary",
          "[deploy][status]") {
  CHECK(one_line("鱼塘 2 溶氧 °C") == "鱼塘 2 溶氧 °C");
  const std::string cut = one_line(std::string(10, 'a') + "溶氧溶氧", 15);  // 溶 is 3 bytes
  CHECK(cut == "aaaaaaaaaa...");  // 10 + "溶" would need 13 + 3 bytes for "..."
  CHECK(one_line("abc", 3) == "abc");
  CHECK(one_line("abcd", 3) == "...");
  CHECK(one_line("\t", 100) == "\\x09");
}

TEST_CASE("device states follow each device's last poll and report only flips",
          "[deploy][status]") {
  DeviceStates s;
  CHECK(s.on_poll("a", true, ""));          // first poll
  CHECK_FALSE(s.on_poll("a", true, ""));    // still ok
  CHECK(s.on_poll("a", false, "timeout"));  // ok -> failing
  CHECK_FALSE(s.on_poll("a", false, "CRC error"));
  auto states = s.states({"a", "never"});
  REQUIRE(states.size() == 2);
  CHECK(states[0].kind == Kind::failing);
  CHECK(states[0].error == "CRC error");  // the last error, not the first
  CHECK(states[1].kind == Kind::not_polled);
  CHECK(s.on_poll("a", true, ""));  // failing -> ok
  CHECK(s.states({"a"})[0].error.empty());
}
