// The description file: which servers farmsim opens and what each unit holds at start.
// The format is documented in tools/farmsim/README.md. The loader checks everything before
// any socket or device is opened, and reports every mistake it finds as
//   FILE:LINE:COL: error: message
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tools/farmsim/faults.h"
#include "tools/farmsim/models/farm.h"
#include "tools/farmsim/register_bank.h"

namespace farmsim {

constexpr int kAnyPort = -1;  // `port: auto`

struct SerialSettings {
  std::string device;
  int baud = 9600;
  char parity = 'N';  // 'N' 'E' 'O'
  int data_bits = 8;
  int stop_bits = 1;
};

struct ServerConfig {
  enum class Kind { tcp, rtu };
  Kind kind = Kind::tcp;
  std::string host = "127.0.0.1";  // tcp
  int port = 0;                    // tcp; 0: any free port (printed at start)
  SerialSettings serial;           // rtu
  std::vector<int> units;
  Fault absent{Fault::Mode::silent, 0};  // tcp: what a request to an unlisted unit gets
};

struct UnitSetup {
  UnitTables tables;  // initial contents and sizes
  Fault fault;
};

struct SimConfig {
  int control_port = 0;  // 0: no control channel; kAnyPort: any free port (printed at start)
  std::vector<ServerConfig> servers;
  std::map<int, UnitSetup> units;  // every unit named anywhere in the file
  // `clock:` and `models:` (the demo's physics); null when the file has neither.
  std::shared_ptr<models::FarmSpec> farm;
};

// Reads and checks `path`. On any error returns nullopt and fills `errors` with positioned
// lines (all of them, not only the first).
std::optional<SimConfig> load_sim_config(const std::string& path, std::vector<std::string>* errors);

}  // namespace farmsim
