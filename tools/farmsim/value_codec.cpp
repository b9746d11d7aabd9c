#include "tools/farmsim/value_codec.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace farmsim {
namespace {

// Decimal, or hex with 0x; a leading zero is decimal (never octal, unlike strtol's base 0).
int base_of(const std::string& s) {
  size_t i = (!s.empty() && s[0] == '-') ? 1 : 0;
  return s.size() > i + 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X') ? 16 : 10;
}

bool parse_signed(const std::string& s, long long lo, long long hi, long long* out) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return false;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, base_of(s));
  if (*end != '\0' || errno != 0 || v < lo || v > hi) return false;
  *out = v;
  return true;
}

bool parse_unsigned(const std::string& s, unsigned long long hi, unsigned long long* out) {
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(s.c_str(), &end, base_of(s));
  if (*end != '\0' || errno != 0 || v > hi) return false;
  *out = v;
  return true;
}

bool parse_double(const std::string& s, double* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (*end != '\0') return false;
  *out = v;
  return true;
}

// The value's bytes, most significant first.
std::vector<uint8_t> big_endian(uint64_t bits, int nbytes) {
  std::vector<uint8_t> b(static_cast<size_t>(nbytes));
  for (int i = nbytes - 1; i >= 0; --i, bits >>= 8) b[static_cast<size_t>(i)] = bits & 0xFF;
  return b;
}

}  // namespace

std::optional<uint16_t> parse_word(const std::string& text) {
  long long v = 0;
  if (!parse_signed(text, -32768, 65535, &v)) return std::nullopt;
  return static_cast<uint16_t>(v);
}

std::optional<long long> parse_integer(const std::string& text, long long lo, long long hi) {
  long long v = 0;
  if (!parse_signed(text, lo, hi, &v)) return std::nullopt;
  return v;
}

std::optional<bool> parse_bit(const std::string& t) {
  if (t == "true" || t == "on" || t == "1") return true;
  if (t == "false" || t == "off" || t == "0") return false;
  return std::nullopt;
}

std::optional<std::vector<uint16_t>> encode_value(const std::string& type, const std::string& value,
                                                  const std::string& order, std::string* error) {
  enum class Kind { sint, uint, real };
  struct TypeInfo {
    const char* name;
    int nbytes;
    Kind kind;
  };
  static const TypeInfo kTypes[] = {
      {"int16", 2, Kind::sint},   {"uint16", 2, Kind::uint},  {"int32", 4, Kind::sint},
      {"uint32", 4, Kind::uint},  {"int64", 8, Kind::sint},   {"uint64", 8, Kind::uint},
      {"float32", 4, Kind::real}, {"float64", 8, Kind::real},
  };
  const TypeInfo* info = nullptr;
  for (const auto& t : kTypes)
    if (type == t.name) info = &t;
  if (!info) {
    *error = "unknown type '" + type + "' (int16 uint16 int32 uint32 int64 uint64 float32 float64)";
    return std::nullopt;
  }
  int bits_n = info->nbytes * 8;
  uint64_t mask = bits_n == 64 ? ~0ULL : (1ULL << bits_n) - 1;
  uint64_t bits = 0;
  bool ok = false;
  if (info->kind == Kind::sint) {
    long long lo = bits_n == 64 ? std::numeric_limits<long long>::min() : -(1LL << (bits_n - 1));
    long long hi = bits_n == 64 ? std::numeric_limits<long long>::max() : (1LL << (bits_n - 1)) - 1;
    long long v = 0;
    ok = parse_signed(value, lo, hi, &v);
    bits = static_cast<uint64_t>(v) & mask;
  } else if (info->kind == Kind::uint) {
    unsigned long long v = 0;
    ok = parse_unsigned(value, mask, &v);
    bits = v;
  } else {
    double d = 0;
    ok = parse_double(value, &d);
    if (info->nbytes == 4) {
      float f = static_cast<float>(d);
      uint32_t b32 = 0;
      std::memcpy(&b32, &f, sizeof b32);
      bits = b32;
    } else {
      std::memcpy(&bits, &d, sizeof bits);
    }
  }
  if (!ok) {
    *error = "'" + value + "' is not a valid " + type;
    return std::nullopt;
  }
  int nbytes = info->nbytes;
  bool swap_words = order == "CDAB" || order == "DCBA";
  bool swap_bytes = order == "BADC" || order == "DCBA";
  if (!swap_words && !swap_bytes && order != "ABCD") {
    *error = "unknown order '" + order + "' (ABCD CDAB BADC DCBA)";
    return std::nullopt;
  }
  std::vector<uint8_t> b = big_endian(bits, nbytes);
  std::vector<uint16_t> words;
  for (size_t i = 0; i < b.size(); i += 2) {
    uint8_t hi = swap_bytes ? b[i + 1] : b[i], lo = swap_bytes ? b[i] : b[i + 1];
    words.push_back(static_cast<uint16_t>((hi << 8) | lo));
  }
  if (swap_words) std::reverse(words.begin(), words.end());
  return words;
}

}  // namespace farmsim
