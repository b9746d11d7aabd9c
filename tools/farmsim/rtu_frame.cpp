#include "tools/farmsim/rtu_frame.h"

#include <algorithm>

namespace farmsim {

uint16_t crc16(const uint8_t* data, size_t n) {
  uint16_t crc = 0xFFFF;
  for (size_t i = 0; i < n; ++i) {
    crc ^= data[i];
    for (int b = 0; b < 8; ++b) crc = (crc & 1) ? (crc >> 1) ^ 0xA001 : crc >> 1;
  }
  return crc;
}

int request_length(const uint8_t* d, size_t n) {
  if (n < 2) return 0;
  switch (d[1]) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
      return 8;  // unit fc addr(2) count-or-value(2) crc(2)
    case 15:
    case 16:
      return n < 7 ? 0 : 9 + d[6];  // unit fc addr(2) count(2) bytes(1) data crc(2)
    case 23:
      return n < 11 ? 0 : 13 + d[10];  // unit fc raddr rcount waddr wcount bytes data crc
    case 7:
    case 11:
    case 12:
    case 17:
      return 4;  // unit fc crc(2): requests without data
    default:
      return -1;
  }
}

std::vector<uint8_t> rtu_frame(uint8_t unit, const std::vector<uint8_t>& pdu) {
  // Sized once and filled in place: g++ 12 at -O3 reads push_back's reallocation path after
  // reserve() as freeing a pointer into the block (-Wfree-nonheap-object, a false positive).
  std::vector<uint8_t> f(pdu.size() + 3);
  f[0] = unit;
  std::copy(pdu.begin(), pdu.end(), f.begin() + 1);
  const size_t body = pdu.size() + 1;
  uint16_t crc = crc16(f.data(), body);
  f[body] = static_cast<uint8_t>(crc & 0xFF);
  f[body + 1] = static_cast<uint8_t>(crc >> 8);
  return f;
}

bool crc_ok(const uint8_t* frame, size_t n) {
  if (n < 4) return false;
  uint16_t crc = crc16(frame, n - 2);
  return frame[n - 2] == (crc & 0xFF) && frame[n - 1] == (crc >> 8);
}

}  // namespace farmsim
