// The Modbus application layer, free of any transport: a request PDU (function code + data)
// in, a response PDU out, applied to one unit's tables. Serves FC01 02 03 04 05 06 15 16 and
// 23 (read/write multiple registers); any other function gets exception 1, a malformed
// request exception 3, an address outside a table exception 2 — as the Modbus
// Application Protocol v1.1b3 prescribes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tools/farmsim/register_bank.h"

namespace farmsim {

using Bytes = std::vector<uint8_t>;

namespace exception_code {
constexpr uint8_t illegal_function = 1;
constexpr uint8_t illegal_data_address = 2;
constexpr uint8_t illegal_data_value = 3;
constexpr uint8_t server_failure = 4;
constexpr uint8_t gateway_target_failed = 11;
}  // namespace exception_code

// Executes the request against `tables` (writes land there) and returns the response PDU.
// REQUIRES: request is non-empty.
Bytes process_pdu(UnitTables& tables, const Bytes& request);

// The exception response to a request with function code `function`.
Bytes exception_pdu(uint8_t function, uint8_t code);

// True for function codes that change the tables (the ones a broadcast may carry).
bool is_write_function(uint8_t function);

}  // namespace farmsim
