// The control channel's language, free of sockets: one command line in, one reply line out
// (without the newline). Replies start with "ok" or "error: ".
//
//   set UNIT TABLE ADDRESS VALUE...   consecutive values; a register value is a word
//                                     (-32768..65535, 0x hex) or TYPE:VALUE[:ORDER]
//                                     (float32:5.62, int32:-7:CDAB); a bit is true/false/1/0
//   get UNIT TABLE ADDRESS [COUNT]    -> "ok V1 V2 ..." (raw words or 0/1, decimal)
//   fault UNIT MODE [ARG]             see faults.h; "fault UNIT" -> "ok MODE [ARG]"
//   stats UNIT                        -> "ok requests=N replies=N exceptions=N"
//   help
// TABLE is holding, input, coil or discrete. `quit` and `shutdown` belong to the session
// (control.h), not to this function.
#pragma once

#include <string>

#include "tools/farmsim/simulator.h"

namespace farmsim {

std::string execute_command(Simulator& sim, const std::string& line);

}  // namespace farmsim
