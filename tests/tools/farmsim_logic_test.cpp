// farmsim's pure parts, below the wire: the application layer, RTU framing, typed values.
#include <catch2/catch.hpp>

#include "tools/farmsim/faults.h"
#include "tools/farmsim/pdu.h"
#include "tools/farmsim/rtu_frame.h"
#include "tools/farmsim/value_codec.h"

using namespace farmsim;

TEST_CASE("the RTU CRC matches the specification's example", "[farmsim]") {
  Bytes f = rtu_frame(1, {0x03, 0x00, 0x00, 0x00, 0x0A});
  CHECK(f == Bytes{0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD});
  CHECK(crc_ok(f.data(), f.size()));
  f[7] ^= 1;
  CHECK_FALSE(crc_ok(f.data(), f.size()));
}

TEST_CASE("request length follows the function code", "[farmsim]") {
  Bytes read = {1, 3, 0, 0, 0, 2};
  CHECK(request_length(read.data(), read.size()) == 8);
  Bytes write_multi = {1, 16, 0, 0, 0, 2, 4};
  CHECK(request_length(write_multi.data(), 6) == 0);  // byte count not seen yet
  CHECK(request_length(write_multi.data(), write_multi.size()) == 13);
  Bytes odd = {1, 0x41};
  CHECK(request_length(odd.data(), odd.size()) == -1);
}

TEST_CASE("typed values become registers in each byte order", "[farmsim]") {
  struct Case {
    const char* order;
    std::vector<uint16_t> words;
  };
  // 5.62f is 0x40B3D70A.
  for (const Case& c : {Case{"ABCD", {0x40B3, 0xD70A}}, Case{"CDAB", {0xD70A, 0x40B3}},
                        Case{"BADC", {0xB340, 0x0AD7}}, Case{"DCBA", {0x0AD7, 0xB340}}}) {
    std::string err;
    auto w = encode_value("float32", "5.62", c.order, &err);
    INFO(c.order << " " << err);
    REQUIRE(w);
    CHECK(*w == c.words);
  }
  std::string err;
  CHECK(*encode_value("int16", "-2", "ABCD", &err) == std::vector<uint16_t>{0xFFFE});
  CHECK(*encode_value("uint32", "0x12345678", "CDAB", &err) ==
        std::vector<uint16_t>{0x5678, 0x1234});
  CHECK_FALSE(encode_value("int16", "40000", "ABCD", &err));
  CHECK_FALSE(encode_value("float16", "1", "ABCD", &err));
  CHECK_FALSE(encode_value("float32", "1", "ACBD", &err));
}

TEST_CASE("the application layer answers by the specification", "[farmsim]") {
  UnitTables t;
  t.resize(Table::holding, 10);
  t.set(Table::holding, 1, 0x1234);
  CHECK(process_pdu(t, {3, 0, 1, 0, 1}) == Bytes{3, 2, 0x12, 0x34});
  CHECK(process_pdu(t, {3, 0, 9, 0, 2}) == Bytes{0x83, 2});        // past the end
  CHECK(process_pdu(t, {3, 0, 0, 0, 126}) == Bytes{0x83, 3});      // too many
  CHECK(process_pdu(t, {5, 0, 3, 0x12, 0x34}) == Bytes{0x85, 3});  // coil value not FF00/0000
  CHECK(process_pdu(t, {0x2B, 0x0E, 1, 0}) == Bytes{0xAB, 1});     // not served
  CHECK(process_pdu(t, {15, 0, 0, 0, 10, 2, 0xFF, 0x01}) == Bytes{15, 0, 0, 0, 10});
  CHECK(process_pdu(t, {1, 0, 0, 0, 10}) == Bytes{1, 2, 0xFF, 0x01});
  CHECK(process_pdu(t, {23, 0, 1, 0, 1, 0, 1, 0, 1, 2, 0xAB, 0xCD}) ==
        Bytes{23, 2, 0xAB, 0xCD});  // FC23 writes before it reads
}

TEST_CASE("fault words parse, and bad ones are refused with a reason", "[farmsim]") {
  std::string err;
  CHECK(parse_fault("slow 300", &err)->str() == "slow 300");
  CHECK(parse_fault("wrongunit", &err)->str() == "wrongunit");
  CHECK(parse_fault("exception 0x0B", &err)->arg == 11);
  CHECK_FALSE(parse_fault("exception", &err));
  CHECK_FALSE(parse_fault("sleepy", &err));
  CHECK(err.find("unknown fault") != std::string::npos);
  CHECK_FALSE(parse_fault("flaky 3", &err));
}
