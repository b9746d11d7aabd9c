// The RTU line-time arithmetic behind `farmgate check`'s "ms of line time" and "line busy",
// checked against the Modbus over serial line spec (V1.02 §2.5.1.1) from first principles.
#include <catch2/catch.hpp>

#include "drivers/modbus/bus_timing.h"
#include "tests/drivers/modbus_peer.h"

using namespace farmgate;
using config::Table;
using config::ValueType;
using std::chrono::microseconds;

namespace {

config::RtuSettings line(int baud, char parity = 'N', int stop_bits = 1) {
  config::RtuSettings rtu;
  rtu.device = "/dev/ttyUSB0";
  rtu.baud = baud;
  rtu.parity = parity;
  rtu.stop_bits = stop_bits;
  return rtu;
}

config::Bus bus_at(int baud, Duration gap = Duration(0)) {
  config::Bus b;
  b.name = "rs485";
  b.link = line(baud);
  b.gap = gap;
  return b;
}

modbus::ReadRequest read_of(Table table, int count) {
  modbus::ReadRequest r;
  r.table = table;
  r.count = static_cast<std::uint16_t>(count);
  return r;
}

// The exact time of `chars` characters of `bits` bits at `baud`, in µs (not rounded).
double exact_us(double chars, int bits, int baud) { return chars * bits * 1e6 / baud; }

}  // namespace

TEST_CASE("a character is start, data, parity and stop bits", "[bus_timing]") {
  CHECK(modbus::bits_per_character(line(9600)) == 10);
  CHECK(modbus::bits_per_character(line(9600, 'E')) == 11);
  CHECK(modbus::bits_per_character(line(9600, 'O')) == 11);
  CHECK(modbus::bits_per_character(line(9600, 'N', 2)) == 11);
}

TEST_CASE("character time follows the baud rate", "[bus_timing]") {
  struct Case {
    int baud;
    char parity;
    int bits;
  };
  for (Case c : {Case{1200, 'N', 10}, Case{2400, 'E', 11}, Case{4800, 'N', 10},
                 Case{9600, 'N', 10}, Case{9600, 'E', 11}, Case{19200, 'N', 10},
                 Case{38400, 'N', 10}, Case{115200, 'N', 10}}) {
    INFO(c.baud << " baud, parity " << c.parity);
    // Whole microseconds: at most one short of the exact time.
    const double exact = exact_us(1, c.bits, c.baud);
    const auto t = modbus::character_time(line(c.baud, c.parity)).count();
    CHECK(t <= exact);
    CHECK(t > exact - 1);
  }
  CHECK(modbus::character_time(line(9600)) == microseconds(1041));  // 10 bits / 9600 baud
}

TEST_CASE("a read request is 8 bytes whatever it reads", "[bus_timing]") {
  for (Table t : {Table::holding, Table::input, Table::coil, Table::discrete})
    for (int n : {1, 2, 10, 125}) CHECK(modbus::request_bytes(read_of(t, n)) == 8);
}

TEST_CASE("a register response is 5 + 2N bytes", "[bus_timing]") {
  for (Table t : {Table::holding, Table::input}) {
    CHECK(modbus::response_bytes(read_of(t, 1)) == 7);
    CHECK(modbus::response_bytes(read_of(t, 2)) == 9);
    CHECK(modbus::response_bytes(read_of(t, 10)) == 25);
    CHECK(modbus::response_bytes(read_of(t, 125)) == 255);  // the largest RTU frame is 256
  }
}

TEST_CASE("a bit response is 5 + ceil(N/8) bytes", "[bus_timing]") {
  struct Case {
    int bits, bytes;
  };
  for (Table t : {Table::coil, Table::discrete})
    for (Case c : {Case{1, 6}, Case{7, 6}, Case{8, 6}, Case{9, 7}, Case{16, 7}, Case{17, 8},
                   Case{2000, 255}}) {
      INFO(c.bits << " bits");
      CHECK(modbus::response_bytes(read_of(t, c.bits)) == c.bytes);
    }
}

TEST_CASE("up to 19200 baud the silences are 3.5 characters", "[bus_timing]") {
  for (int baud : {9600, 19200}) {
    INFO(baud << " baud");
    // Holding x2: 8 + 9 bytes, then 3.5 characters before the reply and 3.5 after it.
    const auto t = modbus::transaction_time(bus_at(baud), read_of(Table::holding, 2)).count();
    const double exact = exact_us(8 + 9 + 3.5 + 3.5, 10, baud);
    CHECK(t <= exact);
    CHECK(t > exact - 24);  // each of the 24 characters rounded down by under 1 µs
  }
}

TEST_CASE("above 19200 baud the silences are fixed at 1.75 ms", "[bus_timing]") {
  for (int baud : {38400, 57600, 115200}) {
    INFO(baud << " baud");
    const auto t = modbus::transaction_time(bus_at(baud), read_of(Table::holding, 2)).count();
    const double exact = exact_us(8 + 9, 10, baud) + 2 * 1750;
    CHECK(t <= exact);
    CHECK(t > exact - 17);
  }
}

TEST_CASE("a bus gap longer than 3.5 characters replaces the silence after the reply",
          "[bus_timing]") {
  const auto plain = modbus::transaction_time(bus_at(9600), read_of(Table::coil, 8));
  const auto gapped = modbus::transaction_time(bus_at(9600, Duration(20)), read_of(Table::coil, 8));
  const auto ch = modbus::character_time(line(9600));
  // 8 + 6 bytes, 3.5 characters before the reply, then 20 ms instead of 3.5 characters.
  CHECK(gapped == ch * 14 + ch * 7 / 2 + microseconds(20000));
  CHECK(plain == ch * 14 + ch * 7 / 2 * 2);
  // A gap shorter than the silence changes nothing.
  CHECK(modbus::transaction_time(bus_at(9600, Duration(1)), read_of(Table::coil, 8)) == plain);
}

TEST_CASE("a poll costs the sum of its coalesced reads", "[bus_timing]") {
  const config::Bus bus = bus_at(9600);
  config::Device d = test::device("probe", bus, 1);
  test::add_point(d, "temp", Table::holding, 0, ValueType::int16);
  test::add_point(d, "do", Table::holding, 1, ValueType::float32);  // joins temp: holding 0-2
  test::add_point(d, "relay", Table::coil, 0);
  const auto expected = modbus::transaction_time(bus, read_of(Table::holding, 3)) +
                        modbus::transaction_time(bus, read_of(Table::coil, 1));
  CHECK(modbus::poll_time(bus, d) == expected);
  // 8+11 and 8+6 bytes plus four silences of 3.5 characters: 47 characters at 9600 8N1.
  CHECK(modbus::poll_time(bus, d).count() == Approx(exact_us(47, 10, 9600)).margin(47));
}
