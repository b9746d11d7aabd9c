// Modbus RTU framing, free of I/O: the CRC, and how long a request frame is, which a server
// must know to split a byte stream into frames (the specification's other cue, 3.5
// characters of silence, is unreliable on a pseudo-terminal and behind USB adapters).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace farmsim {

// CRC-16/MODBUS of `n` bytes; sent low byte first.
uint16_t crc16(const uint8_t* data, size_t n);

// The full length (unit .. CRC) of the request starting at data[0], from the bytes seen so
// far: > 0 the length; 0 more bytes are needed to tell; -1 the function code has no known
// request layout (the frame then ends at the next silence).
int request_length(const uint8_t* data, size_t n);

// Appends the CRC to unit + pdu.
std::vector<uint8_t> rtu_frame(uint8_t unit, const std::vector<uint8_t>& pdu);

// True when the last two bytes are the CRC of the rest.
bool crc_ok(const uint8_t* frame, size_t n);

}  // namespace farmsim
