// What `farmgate check` prints after a valid load: the gateway at a glance, for a technician.
#pragma once

#include <iosfwd>

#include "daemon/setup.h"

namespace farmgate::daemon {

// REQUIRES: setup.ok().
void print_summary(const Setup& setup, std::ostream& out);

}  // namespace farmgate::daemon
