// An event (spec §5) as one line of text for a person: the daemon's log and `farmgate
// replay` print events through this one function, so both read the same.
//
//   actuator pond1_relay.aerator -> on (rule aerate-low-oxygen)
//   alarm oxygen-critical raised [critical]: Pond 1 oxygen 2.9 mg/L
//   fault device pond1_do: timeout
//   config rejected: 2 error(s), ...
//   command c-17 set pond1_relay.aerator: ok      command c-18 read x: refused: why
//
// Any other type, or a shape it does not know: the type and the fields' compact JSON. The
// text may hold control characters from outside; log::write escapes them.
#pragma once

#include <string>

#include "common/event.h"

namespace farmgate {

std::string event_text(const Event& e);

}  // namespace farmgate
