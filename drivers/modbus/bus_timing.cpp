#include "drivers/modbus/bus_timing.h"

#include <algorithm>

namespace farmgate::modbus {
namespace {

using std::chrono::microseconds;

// Modbus over serial line (V1.02, §2.5.1.1): above 19200 baud the inter-frame silence is
// fixed at 1.75 ms instead of 3.5 characters.
microseconds silence(const config::RtuSettings& rtu) {
  if (rtu.baud > 19200) return microseconds(1750);
  return microseconds(character_time(rtu).count() * 7 / 2);
}

}  // namespace

int bits_per_character(const config::RtuSettings& rtu) {
  return 1 + rtu.data_bits + (rtu.parity == 'N' ? 0 : 1) + rtu.stop_bits;
}

microseconds character_time(const config::RtuSettings& rtu) {
  return microseconds(1000000LL * bits_per_character(rtu) / rtu.baud);
}

int request_bytes(const ReadRequest&) { return 8; }  // unit, fc, address(2), count(2), crc(2)

int response_bytes(const ReadRequest& r) {
  // unit, fc, byte count, data, crc(2)
  const int data = config::is_bit_table(r.table) ? (r.count + 7) / 8 : 2 * r.count;
  return 5 + data;
}

microseconds transaction_time(const config::Bus& bus, const ReadRequest& r) {
  const auto& rtu = std::get<config::RtuSettings>(bus.link);
  const microseconds ch = character_time(rtu);
  const microseconds quiet = silence(rtu);
  const microseconds gap = std::max<microseconds>(quiet, bus.gap);
  return ch * (request_bytes(r) + response_bytes(r)) + quiet + gap;
}

microseconds poll_time(const config::Bus& bus, const config::Device& device) {
  microseconds total{0};
  for (const auto& r : plan_reads(device)) total += transaction_time(bus, r);
  return total;
}

}  // namespace farmgate::modbus
