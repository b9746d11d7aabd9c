// farmsim's RTU side: a byte stream split into frames by request_length, each frame with a
// good CRC executed by process_pdu on a unit's tables. No crash, no read past the input,
// every response a well-formed PDU.
#include <cstddef>
#include <cstdint>

#include "tools/farmsim/pdu.h"
#include "tools/farmsim/rtu_frame.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  farmsim::UnitTables tables;
  std::size_t at = 0;
  while (at < size) {
    int len = farmsim::request_length(data + at, size - at);
    if (len == 0) break;                      // needs more bytes: the stream ends here
    // An unknown function code ends at the next silence: here, the end of the input.
    std::size_t take = len < 0 ? size - at : static_cast<std::size_t>(len);
    if (take > size - at) break;
    if (take < 4) {
      if (len > 0) __builtin_trap();          // a known layout is unit + function + CRC at least
      break;
    }
    farmsim::Bytes pdu(data + at + 1, data + at + take - 2);
    bool crc = farmsim::crc_ok(data + at, take);
    // Also run unchecked frames: the CRC would otherwise hide nearly every PDU from the fuzzer.
    if (!pdu.empty()) {
      farmsim::Bytes response = farmsim::process_pdu(tables, pdu);
      if (response.empty()) __builtin_trap();
      farmsim::rtu_frame(data[at], response);
    }
    (void)crc;
    at += take;
  }
  return 0;
}
