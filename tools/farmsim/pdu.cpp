#include "tools/farmsim/pdu.h"

namespace farmsim {
namespace {

uint16_t be16(const Bytes& b, size_t at) { return static_cast<uint16_t>((b[at] << 8) | b[at + 1]); }

void put16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v & 0xFF));
}

Bytes read_bits(const UnitTables& t, Table table, const Bytes& req) {
  uint8_t fc = req[0];
  if (req.size() != 5) return exception_pdu(fc, exception_code::illegal_data_value);
  int addr = be16(req, 1), count = be16(req, 3);
  if (count < 1 || count > 2000) return exception_pdu(fc, exception_code::illegal_data_value);
  if (!t.contains(table, addr, count))
    return exception_pdu(fc, exception_code::illegal_data_address);
  Bytes rsp{fc, static_cast<uint8_t>((count + 7) / 8)};
  rsp.resize(2 + rsp[1], 0);
  for (int i = 0; i < count; ++i)
    if (t.get(table, addr + i)) rsp[2 + i / 8] |= static_cast<uint8_t>(1 << (i % 8));
  return rsp;
}

Bytes read_registers(const UnitTables& t, Table table, const Bytes& req) {
  uint8_t fc = req[0];
  if (req.size() != 5) return exception_pdu(fc, exception_code::illegal_data_value);
  int addr = be16(req, 1), count = be16(req, 3);
  if (count < 1 || count > 125) return exception_pdu(fc, exception_code::illegal_data_value);
  if (!t.contains(table, addr, count))
    return exception_pdu(fc, exception_code::illegal_data_address);
  Bytes rsp{fc, static_cast<uint8_t>(count * 2)};
  for (int i = 0; i < count; ++i) put16(rsp, t.get(table, addr + i));
  return rsp;
}

Bytes write_single_coil(UnitTables& t, const Bytes& req) {
  uint8_t fc = req[0];
  if (req.size() != 5) return exception_pdu(fc, exception_code::illegal_data_value);
  int addr = be16(req, 1);
  uint16_t value = be16(req, 3);
  if (value != 0xFF00 && value != 0x0000)
    return exception_pdu(fc, exception_code::illegal_data_value);
  if (!t.contains(Table::coil, addr, 1))
    return exception_pdu(fc, exception_code::illegal_data_address);
  t.set(Table::coil, addr, value == 0xFF00);
  return req;  // the response echoes the request
}

Bytes write_single_register(UnitTables& t, const Bytes& req) {
  uint8_t fc = req[0];
  if (req.size() != 5) return exception_pdu(fc, exception_code::illegal_data_value);
  int addr = be16(req, 1);
  if (!t.contains(Table::holding, addr, 1))
    return exception_pdu(fc, exception_code::illegal_data_address);
  t.set(Table::holding, addr, be16(req, 3));
  return req;
}

Bytes write_multiple_coils(UnitTables& t, const Bytes& req) {
  uint8_t fc = req[0];
  if (req.size() < 6) return exception_pdu(fc, exception_code::illegal_data_value);
  int addr = be16(req, 1), count = be16(req, 3), bytes = req[5];
  if (count < 1 || count > 1968 || bytes != (count + 7) / 8 ||
      req.size() != 6 + static_cast<size_t>(bytes))
    return exception_pdu(fc, exception_code::illegal_data_value);
  if (!t.contains(Table::coil, addr, count))
    return exception_pdu(fc, exception_code::illegal_data_address);
  for (int i = 0; i < count; ++i) t.set(Table::coil, addr + i, (req[6 + i / 8] >> (i % 8)) & 1);
  return Bytes(req.begin(), req.begin() + 5);
}

Bytes write_multiple_registers(UnitTables& t, const Bytes& req) {
  uint8_t fc = req[0];
  if (req.size() < 6) return exception_pdu(fc, exception_code::illegal_data_value);
  int addr = be16(req, 1), count = be16(req, 3), bytes = req[5];
  if (count < 1 || count > 123 || bytes != count * 2 ||
      req.size() != 6 + static_cast<size_t>(bytes))
    return exception_pdu(fc, exception_code::illegal_data_value);
  if (!t.contains(Table::holding, addr, count))
    return exception_pdu(fc, exception_code::illegal_data_address);
  for (int i = 0; i < count; ++i) t.set(Table::holding, addr + i, be16(req, 6 + 2 * i));
  return Bytes(req.begin(), req.begin() + 5);
}

// FC23: the write happens before the read, as the specification says.
Bytes read_write_registers(UnitTables& t, const Bytes& req) {
  uint8_t fc = req[0];
  if (req.size() < 10) return exception_pdu(fc, exception_code::illegal_data_value);
  int raddr = be16(req, 1), rcount = be16(req, 3);
  int waddr = be16(req, 5), wcount = be16(req, 7), bytes = req[9];
  if (rcount < 1 || rcount > 125 || wcount < 1 || wcount > 121 || bytes != wcount * 2 ||
      req.size() != 10 + static_cast<size_t>(bytes))
    return exception_pdu(fc, exception_code::illegal_data_value);
  if (!t.contains(Table::holding, raddr, rcount) || !t.contains(Table::holding, waddr, wcount))
    return exception_pdu(fc, exception_code::illegal_data_address);
  for (int i = 0; i < wcount; ++i) t.set(Table::holding, waddr + i, be16(req, 10 + 2 * i));
  Bytes rsp{fc, static_cast<uint8_t>(rcount * 2)};
  for (int i = 0; i < rcount; ++i) put16(rsp, t.get(Table::holding, raddr + i));
  return rsp;
}

}  // namespace

Bytes exception_pdu(uint8_t function, uint8_t code) {
  return Bytes{static_cast<uint8_t>(function | 0x80), code};
}

bool is_write_function(uint8_t function) {
  return function == 5 || function == 6 || function == 15 || function == 16 || function == 23;
}

Bytes process_pdu(UnitTables& t, const Bytes& req) {
  switch (req[0]) {
    case 1:
      return read_bits(t, Table::coil, req);
    case 2:
      return read_bits(t, Table::discrete, req);
    case 3:
      return read_registers(t, Table::holding, req);
    case 4:
      return read_registers(t, Table::input, req);
    case 5:
      return write_single_coil(t, req);
    case 6:
      return write_single_register(t, req);
    case 15:
      return write_multiple_coils(t, req);
    case 16:
      return write_multiple_registers(t, req);
    case 23:
      return read_write_registers(t, req);
    default:
      return exception_pdu(req[0], exception_code::illegal_function);
  }
}

}  // namespace farmsim
