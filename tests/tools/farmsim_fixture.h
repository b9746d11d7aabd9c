// A running farmsim for a test: writes the description into a temp folder, starts the built
// binary, waits for "farmsim: ready", and reads back the ports it chose (port 0 in the file).
// Plus small clients: the control channel, libmodbus over TCP and RTU, raw frames.
#pragma once

#include <modbus.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace farmgate::test {

class Farmsim {
 public:
  // Starts farmsim on `yaml`, written to dir/farmsim.yaml; throws with farmsim's log when it
  // does not become ready.
  Farmsim(const TempDir& dir, const std::string& yaml);
  int tcp_port(size_t index = 0) const { return tcp_ports_.at(index); }
  int control_port() const { return control_port_; }
  // Sends one control line, returns its reply line (without the newline).
  std::string command(const std::string& line) const;
  Process& process() { return proc_; }

 private:
  Process proc_;
  std::vector<int> tcp_ports_;
  int control_port_ = 0;
};

struct ModbusFree {
  void operator()(modbus_t* ctx) const {
    modbus_close(ctx);
    modbus_free(ctx);
  }
};
using ModbusPtr = std::unique_ptr<modbus_t, ModbusFree>;

// Connected libmodbus clients addressing `unit`, with the given response timeout.
ModbusPtr modbus_tcp_client(int port, int unit, std::chrono::milliseconds timeout);
ModbusPtr modbus_rtu_client(const std::string& device, int unit, std::chrono::milliseconds timeout);

// Raw bytes, for what libmodbus would hide: sends `frame` and returns every byte that comes
// back until `quiet` passes with nothing new.
std::vector<uint8_t> tcp_exchange(int port, const std::vector<uint8_t>& frame,
                                  std::chrono::milliseconds quiet);
std::vector<uint8_t> pty_exchange(const std::string& device, const std::vector<uint8_t>& frame,
                                  std::chrono::milliseconds quiet);
// unit + pdu + CRC.
std::vector<uint8_t> rtu_request(uint8_t unit, const std::vector<uint8_t>& pdu);

}  // namespace farmgate::test
