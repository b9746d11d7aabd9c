// Serial-line settings shared by `buses: rtu:` and a profile's `defaults:` (private to
// fg_config): their validation, and the RTU inter-frame silence they imply.
#pragma once

#include <optional>

#include "common/clock.h"
#include "config/config.h"
#include "config/yaml_walker.h"

namespace farmgate::config {

// 1200 2400 4800 9600 19200 38400 57600 115200.
std::optional<int> read_baud(MapReader& r);
// none | even | odd -> 'N' 'E' 'O'.
std::optional<char> read_parity(MapReader& r);
std::optional<int> read_data_bits(MapReader& r);  // 7 | 8
std::optional<int> read_stop_bits(MapReader& r);  // 1 | 2

const char* parity_name(char parity);  // 'N' -> "none"

// 3.5 character times at the line's settings, rounded up to whole milliseconds; a character
// is start + data + parity + stop bits (9600 8N1: 10 bits, 3.65 ms -> 4ms).
Duration min_rtu_gap(const RtuSettings& rtu);

}  // namespace farmgate::config
