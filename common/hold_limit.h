// The longest manual override (spec §5: a `set` holds "at most 24h"). One constant for every
// place that checks a hold: the `cmd` parser (uplink/commands), the rules engine's
// set_override, the on-site page. Changing it here changes it everywhere, messages included.
#pragma once

#include "common/clock.h"

namespace farmgate {

inline constexpr Duration kMaxHold{24LL * 3600 * 1000};
inline constexpr const char* kMaxHoldText = "24h";  // kMaxHold as the user writes it

}  // namespace farmgate
