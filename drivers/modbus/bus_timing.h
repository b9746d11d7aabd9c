// How long a poll cycle occupies an RTU line: the physical floor set by frame sizes, the baud
// and the silences Modbus requires. Pure; used by `farmgate check` and the benchmarks.
#pragma once

#include <chrono>

#include "config/config.h"
#include "drivers/modbus/read_plan.h"

namespace farmgate::modbus {

// Bits one character takes on the line: start + data + parity + stop.
int bits_per_character(const config::RtuSettings& rtu);
// Time one character takes on the line.
std::chrono::microseconds character_time(const config::RtuSettings& rtu);
// Bytes of the request and response frames of a read (RTU framing: unit, function, CRC).
int request_bytes(const ReadRequest& r);
int response_bytes(const ReadRequest& r);
// One read transaction on the line: request, the 3.5-character silence before the reply,
// the reply, then the bus's gap before the next transaction (at least 3.5 characters).
std::chrono::microseconds transaction_time(const config::Bus& bus, const ReadRequest& r);
// All reads of one poll of `device` (its planned, coalesced reads).
std::chrono::microseconds poll_time(const config::Bus& bus, const config::Device& device);

}  // namespace farmgate::modbus
