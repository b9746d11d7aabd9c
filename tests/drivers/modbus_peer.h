// pymodbus servers (tests/drivers/modbus_server.py) as independent Modbus peers, plus config
// builders for the buses and devices the driver tests use.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "tests/support/process.h"

namespace farmgate::test {

// What modbus_server.py serves on every unit (0-based addresses).
namespace served {
constexpr int kUnitId = 0;        // holding: uint16, the unit's own id
constexpr int kInt16 = 1;         // holding: 0xFF33 = -205
constexpr int kFloatABCD = 2;     // holding 2-3: 123.456f
constexpr int kFloatCDAB = 4;     // holding 4-5: 123.456f word-swapped
constexpr int kInt32 = 6;         // holding 6-7: -123456
constexpr int kFloat64 = 8;       // holding 8-11: pi
constexpr int kInt64Min = 12;     // holding 12-15: -2^63
constexpr int kScratch = 20;      // holding 20-99: zeros, free for writes
constexpr int kSize = 100;        // address 100 and above: illegal data address
// input register i = 1000 + i; coils 1 0 1 1 0...; discrete inputs i % 2
}  // namespace served

class ModbusPeer {
 public:
  // pymodbus TCP server on 127.0.0.1:port (0: a free one) serving `units`; waits until it
  // listens.
  static ModbusPeer tcp(const std::string& dir, const std::string& units, int port = 0);
  // pymodbus RTU server on the pty end `device_end` (38400 8N1) serving `units`; waits until
  // the first of `units` answers a read through `farmgate_end`.
  static ModbusPeer rtu(const std::string& dir, const std::string& device_end,
                        const std::string& farmgate_end, const std::string& units);

  int port() const { return port_; }
  std::string log() const { return proc_->log_text(); }
  void stop() { proc_->stop(); }

 private:
  int port_ = 0;
  std::unique_ptr<Process> proc_;
};

config::Bus tcp_bus(int port, Duration timeout = Duration(500));
config::Bus rtu_bus(const std::string& device, Duration timeout = Duration(200));
config::Device device(const std::string& name, const config::Bus& bus, int unit,
                      Duration poll = Duration(1000));
// Appends a point to `d` (id = d.name + "." + name) and returns it.
config::Point& add_point(config::Device& d, const std::string& name, config::Table table,
                         int address, config::ValueType type = config::ValueType::uint16,
                         config::ByteOrder order = config::ByteOrder::ABCD);

}  // namespace farmgate::test
