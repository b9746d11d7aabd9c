#include "tests/drivers/modbus_peer.h"

#include <stdexcept>

#include "drivers/modbus/link.h"

namespace farmgate::test {
namespace {

std::string server_script() {
  return std::string(FARMGATE_SOURCE_DIR) + "/tests/drivers/modbus_server.py";
}

}  // namespace

ModbusPeer ModbusPeer::tcp(const std::string& dir, const std::string& units, int port) {
  ModbusPeer peer;
  peer.port_ = port ? port : free_tcp_port();
  peer.proc_ = std::make_unique<Process>(
      std::vector<std::string>{system_python(), server_script(), "--tcp",
                               std::to_string(peer.port_), "--units", units},
      dir + "/pymodbus-tcp.log");
  if (!wait_for_tcp_port(peer.port_))
    throw std::runtime_error("pymodbus did not listen: " + peer.proc_->log_text());
  return peer;
}

ModbusPeer ModbusPeer::rtu(const std::string& dir, const std::string& device_end,
                           const std::string& farmgate_end, const std::string& units) {
  ModbusPeer peer;
  peer.proc_ = std::make_unique<Process>(
      std::vector<std::string>{system_python(), server_script(), "--rtu", device_end, "--units",
                               units},
      dir + "/pymodbus-rtu.log");
  modbus::Link link(rtu_bus(farmgate_end, Duration(100)));
  const int unit = std::stoi(units);
  if (!wait_until([&] { return link.read(unit, config::Table::holding, 0, 1).ok(); }))
    throw std::runtime_error("pymodbus RTU did not answer: " + peer.proc_->log_text());
  return peer;
}

config::Bus tcp_bus(int port, Duration timeout) {
  config::Bus b;
  b.name = "tcp-test";
  b.link = config::TcpSettings{"127.0.0.1", port};
  b.timeout = timeout;
  return b;
}

config::Bus rtu_bus(const std::string& path, Duration timeout) {
  config::Bus b;
  b.name = "rtu-test";
  config::RtuSettings rtu;
  rtu.device = path;
  rtu.baud = 38400;
  rtu.rs485 = true;  // fails on a pty (ENOTTY): must be tolerated
  b.link = rtu;
  b.timeout = timeout;
  b.gap = Duration(5);
  return b;
}

config::Device device(const std::string& name, const config::Bus& bus, int unit, Duration poll) {
  config::Device d;
  d.name = name;
  d.bus = bus.name;
  d.unit = unit;
  d.poll = poll;
  d.stale_after = poll * 3;
  return d;
}

config::Point& add_point(config::Device& d, const std::string& name, config::Table table,
                         int address, config::ValueType type, config::ByteOrder order) {
  config::Point p;
  p.name = name;
  p.id = d.name + "." + name;
  p.table = table;
  p.address = static_cast<std::uint16_t>(address);
  p.type = config::is_bit_table(table) ? config::ValueType::boolean : type;
  p.order = order;
  d.points.push_back(p);
  return d.points.back();
}

}  // namespace farmgate::test
