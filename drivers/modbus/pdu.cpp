#include "drivers/modbus/pdu.h"

#include <algorithm>

namespace farmgate::modbus {
namespace {

int function_of(config::Table t, bool write, bool many) {
  using config::Table;
  if (write) return t == Table::coil ? (many ? 15 : 5) : (many ? 16 : 6);
  switch (t) {
    case Table::coil: return 1;
    case Table::discrete: return 2;
    case Table::holding: return 3;
    case Table::input: return 4;
  }
  return 0;
}

void put16(std::vector<std::uint8_t>& b, unsigned v) {
  b.push_back(static_cast<std::uint8_t>((v >> 8) & 0xFF));
  b.push_back(static_cast<std::uint8_t>(v & 0xFF));
}

unsigned get16(const std::uint8_t* p) { return (unsigned(p[0]) << 8) | p[1]; }

ReplyCheck mismatch(std::string why) {
  ReplyCheck c;
  c.why = std::move(why);
  return c;
}

}  // namespace

std::vector<std::uint8_t> read_request(config::Table table, std::uint16_t address,
                                       std::uint16_t count) {
  std::vector<std::uint8_t> b{static_cast<std::uint8_t>(function_of(table, false, false))};
  put16(b, address);
  put16(b, count);
  return b;
}

std::vector<std::uint8_t> write_request(config::Table table, std::uint16_t address,
                                        const std::vector<std::uint16_t>& values) {
  const bool many = values.size() > 1;
  const bool coil = table == config::Table::coil;
  std::vector<std::uint8_t> b{static_cast<std::uint8_t>(function_of(table, true, many))};
  put16(b, address);
  if (!many) {
    put16(b, coil ? (values[0] ? 0xFF00 : 0x0000) : values[0]);
    return b;
  }
  put16(b, static_cast<unsigned>(values.size()));
  if (coil) {
    std::vector<std::uint8_t> bits((values.size() + 7) / 8);
    for (std::size_t i = 0; i < values.size(); ++i)
      if (values[i]) bits[i / 8] = static_cast<std::uint8_t>(bits[i / 8] | (1u << (i % 8)));
    b.push_back(static_cast<std::uint8_t>(bits.size()));
    b.insert(b.end(), bits.begin(), bits.end());
  } else {
    b.push_back(static_cast<std::uint8_t>(values.size() * 2));
    for (std::uint16_t v : values) put16(b, v);
  }
  return b;
}

ReplyCheck check_reply(const std::vector<std::uint8_t>& request, const std::uint8_t* reply,
                       std::size_t size) {
  const int fc = request[0];
  if (size < 2) return mismatch("reply too short");
  if (reply[0] == (fc | 0x80)) {
    if (size != 2) return mismatch("exception reply of wrong length");
    ReplyCheck c;
    c.kind = ReplyCheck::Kind::exception;
    c.exception_code = reply[1];
    return c;
  }
  if (reply[0] != fc)
    return mismatch("reply to function " + std::to_string(reply[0]) + ", not " +
                    std::to_string(fc));
  ReplyCheck c;
  if (fc <= 4) {
    const unsigned count = get16(&request[3]);
    const bool bits = fc <= 2;
    const std::size_t bytes = bits ? (count + 7) / 8 : count * 2;
    if (reply[1] != bytes || size != 2 + bytes)
      return mismatch("reply carries " + std::to_string(size - 2) + " bytes, not " +
                      std::to_string(bytes));
    for (unsigned i = 0; i < count; ++i)
      c.values.push_back(bits ? (reply[2 + i / 8] >> (i % 8)) & 1 : get16(&reply[2 + 2 * i]));
  } else if (fc == 5 || fc == 6) {
    // The echo of the request, value included.
    if (size != request.size() || !std::equal(request.begin(), request.end(), reply))
      return mismatch("reply does not echo the write");
  } else {
    // Address and quantity echoed.
    if (size != 5 || !std::equal(request.begin(), request.begin() + 5, reply))
      return mismatch("reply does not echo the write's address and count");
  }
  c.kind = ReplyCheck::Kind::data;
  return c;
}

}  // namespace farmgate::modbus
