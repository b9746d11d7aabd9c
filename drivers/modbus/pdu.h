// Modbus PDUs (function code + data, MODBUS Application Protocol v1.1b3 §6) for the reads and
// writes farmgate does, and the check that a reply answers its request. Pure, no I/O.
//
// libmodbus decodes a TCP reply whatever its unit id, and its raw-request API sends every
// request with transaction id 0, so the Link frames Modbus TCP itself (mbap.h) and asks this
// file whether a reply is the answer: same function (or its exception), and a length, byte
// count or echo that fits the request. Anything else is never decoded as data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"

namespace farmgate::modbus {

// FC01/02/03/04 for coil/discrete/holding/input.
std::vector<std::uint8_t> read_request(config::Table table, std::uint16_t address,
                                       std::uint16_t count);
// FC05/FC15 (coil), FC06/FC16 (holding). REQUIRES a writable table and 1..123 registers or
// 1..1968 bits.
std::vector<std::uint8_t> write_request(config::Table table, std::uint16_t address,
                                        const std::vector<std::uint16_t>& values);

struct ReplyCheck {
  enum class Kind { data, exception, mismatch } kind = Kind::mismatch;
  int exception_code = 0;             // kind == exception
  std::string why;                    // kind == mismatch: what does not fit
  std::vector<std::uint16_t> values;  // kind == data, reads: registers, or bits as 0/1
};

// Whether `reply` (a PDU) answers `request` (as built above).
ReplyCheck check_reply(const std::vector<std::uint8_t>& request, const std::uint8_t* reply,
                       std::size_t size);

}  // namespace farmgate::modbus
