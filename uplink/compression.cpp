#include "uplink/compression.h"

#include <zstd.h>

#include <stdexcept>

namespace farmgate::uplink {
namespace {

constexpr int kLevel = 3;

}  // namespace

std::string zstd_frame(const std::string& json) {
  std::string out(ZSTD_compressBound(json.size()), '\0');
  const std::size_t n = ZSTD_compress(out.data(), out.size(), json.data(), json.size(), kLevel);
  if (ZSTD_isError(n)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

std::string zstd_content(const std::string& frame) {
  const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN)
    throw std::runtime_error("zstd: not a whole frame with its content size");
  std::string out(size, '\0');
  const std::size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(n)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

}  // namespace farmgate::uplink
