// Typed values to raw registers, for the description file and the control channel:
// float32 5.62 in order CDAB becomes two 16-bit words. Orders name the bytes of the
// big-endian value: ABCD (big-endian), CDAB (word swap), BADC (byte swap), DCBA
// (little-endian) — the same words farmgate's config uses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace farmsim {

// An integer in [lo, hi]: decimal (a leading zero stays decimal) or 0x hex.
std::optional<long long> parse_integer(const std::string& text, long long lo, long long hi);
// One raw word: 0..65535, or -32768..-1 as int16; decimal or 0x hex.
std::optional<uint16_t> parse_word(const std::string& text);
// A bit: true/false, on/off, 1/0.
std::optional<bool> parse_bit(const std::string& text);

// TYPE is int16 uint16 int32 uint32 int64 uint64 float32 float64; ORDER as above.
// Returns the registers, or nullopt with `error` set (unknown type/order, bad number,
// out of range).
std::optional<std::vector<uint16_t>> encode_value(const std::string& type, const std::string& value,
                                                  const std::string& order, std::string* error);

}  // namespace farmsim
