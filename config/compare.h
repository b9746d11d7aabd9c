// Equality of config sections as the running daemon sees them: two sections are equal when
// every field that changes behaviour is equal. Source positions (`pos`) are left out: moving
// a device three lines down in the file must not restart its bus.
//
// Each operator binds *all* of its struct's fields with a structured binding, so adding a
// field to config.h without deciding here how it is compared is a compile error (the count
// of names no longer matches), not a reload that silently ignores the new setting.
// daemon/reload_plan.h decides what each differing section costs (a bus restart, a
// reconnect, "takes effect at the next start").
#pragma once

#include "config/config.h"

namespace farmgate::config {

bool operator==(const Point& a, const Point& b);
inline bool operator!=(const Point& a, const Point& b) { return !(a == b); }
bool operator==(const Device& a, const Device& b);
inline bool operator!=(const Device& a, const Device& b) { return !(a == b); }
bool operator==(const RtuSettings& a, const RtuSettings& b);
inline bool operator!=(const RtuSettings& a, const RtuSettings& b) { return !(a == b); }
bool operator==(const TcpSettings& a, const TcpSettings& b);
inline bool operator!=(const TcpSettings& a, const TcpSettings& b) { return !(a == b); }
bool operator==(const Bus& a, const Bus& b);
inline bool operator!=(const Bus& a, const Bus& b) { return !(a == b); }
bool operator==(const Gateway& a, const Gateway& b);
inline bool operator!=(const Gateway& a, const Gateway& b) { return !(a == b); }
bool operator==(const Storage& a, const Storage& b);
inline bool operator!=(const Storage& a, const Storage& b) { return !(a == b); }
bool operator==(const Uplink& a, const Uplink& b);
inline bool operator!=(const Uplink& a, const Uplink& b) { return !(a == b); }

}  // namespace farmgate::config
