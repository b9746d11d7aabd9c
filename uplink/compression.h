// `uplink.compress: zstd` (spec §8, farmgate profile): a telemetry batch as one zstd frame
// of the very JSON it would be uncompressed, published on `…/telemetry/zstd` instead of
// `…/telemetry`. Telemetry only: events, status and cmd/result stay plain JSON (they are
// few, and a platform must read `status` without a decoder). No dictionary: a frame
// decodes with any zstd (`zstd -d`, python3-zstandard). Pure; no I/O.
#pragma once

#include <string>

namespace farmgate::uplink {

// A whole zstd frame (content size in its header) of `json`, at level 3 (zstd's default:
// a 500-reading batch compresses in well under a millisecond on an ARM gateway).
// Throws std::runtime_error only when libzstd fails, which it does not for valid input.
std::string zstd_frame(const std::string& json);

// The inverse, for tests and tools: the content of one whole frame.
std::string zstd_content(const std::string& frame);

}  // namespace farmgate::uplink
