// Coalescing (request planning): which read transactions fetch a device's points. Pure.
//
// Per table, points sorted by address are joined into one read while the read stays within
//   - 125 registers (coil/discrete: 2000 bits), the Modbus PDU limit, and
//   - device.max_registers registers (register tables only: the config documents that field
//     as a register count; bit reads keep the 2000-bit cap),
// and the hole between the read so far and the next point is at most device.max_gap
// registers (bits on bit tables); 0 joins only adjacent or overlapping points. A point is never
// split across reads; one longer than the cap (config validation should prevent it) gets a
// read of its own length. Tables come out in the order holding, input, coil, discrete.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "config/config.h"

namespace farmgate::modbus {

constexpr int kMaxReadRegisters = 125;
constexpr int kMaxReadBits = 2000;

struct ReadRequest {
  config::Table table = config::Table::holding;
  std::uint16_t address = 0;
  std::uint16_t count = 0;           // registers or bits
  std::vector<std::size_t> points;   // indices into device.points, by address
};

// Plans reads of all of `device`'s points.
std::vector<ReadRequest> plan_reads(const config::Device& device);
// Plans reads of the given points (indices into device.points) only.
std::vector<ReadRequest> plan_reads(const config::Device& device,
                                    const std::vector<std::size_t>& points);

}  // namespace farmgate::modbus
