// Running the built `farmgate` as a technician does, with stdout and stderr kept apart, plus
// the plant the read/write/scan tests share: a farmsim pond (sensors and a relay board) and
// the farmgate config that describes it.
#pragma once

#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace farmgate::test {

struct CliRun {
  int code = -1;    // exit code; -1 when it did not finish within a minute
  std::string out;  // stdout
  std::string err;  // stderr
};

// What `check` prints under a diagnostic: the file's line, then a caret under the 1-based
// column (spaces only: for lines without tabs before the column).
std::string echo(const std::string& line, int col);

// Runs `farmgate ARGS...`; its output files go to `dir`.
CliRun run_farmgate(const TempDir& dir, const std::vector<std::string>& args);

// The pond as farmsim serves it: unit 1 a probe and relay board (temp int16 x0.1 = 23.5 at
// holding 0, dissolved oxygen float32 CDAB 5.62 at holding 2, aerator coil 0 on, feeder coil 1
// off, setpoint float32 ABCD 4.5 at holding 10), unit 2 a probe answering only exception 4,
// unit 3 a silent probe. `server` is farmsim's server list entry ("tcp: {...}" or "rtu: {...}").
std::string pond_sim(const std::string& server);
// farmgate's config for the same pond; `bus` is the bus's link and timing keys ("tcp: {...}, ...").
// Devices: pond1 (unit 1), broken (unit 2), dead (unit 3), all on bus "pond".
std::string pond_config(const std::string& bus);

}  // namespace farmgate::test
