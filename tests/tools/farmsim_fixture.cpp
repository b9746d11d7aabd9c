#include "tests/tools/farmsim_fixture.h"

#include <algorithm>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <regex>
#include <stdexcept>

namespace farmgate::test {
namespace {

int connect_loopback(int port) {
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(s);
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  }
  return s;
}

// Everything readable from fd until `quiet` passes without a byte.
std::vector<uint8_t> read_until_quiet(int fd, std::chrono::milliseconds quiet) {
  std::vector<uint8_t> got;
  pollfd p{fd, POLLIN, 0};
  while (poll(&p, 1, static_cast<int>(quiet.count())) > 0) {
    uint8_t buf[256];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    got.insert(got.end(), buf, buf + n);
  }
  return got;
}

void timeout_of(modbus_t* ctx, std::chrono::milliseconds t) {
  auto ms = t.count();
  modbus_set_response_timeout(ctx, static_cast<uint32_t>(ms / 1000),
                              static_cast<uint32_t>((ms % 1000) * 1000));
}

}  // namespace

Farmsim::Farmsim(const TempDir& dir, const std::string& yaml)
    : proc_({built_binary("farmsim"), dir.write("farmsim.yaml", yaml)}, dir.file("farmsim.log")) {
  bool ready = wait_until([&] {
    return proc_.log_text().find("farmsim: ready") != std::string::npos || !proc_.running();
  });
  std::string log = proc_.log_text();
  if (!ready || log.find("farmsim: ready") == std::string::npos)
    throw std::runtime_error("farmsim did not start:\n" + log);
  std::smatch m;
  std::regex tcp_re("farmsim: tcp [0-9.]+:([0-9]+)");
  for (auto it = log.cbegin(); std::regex_search(it, log.cend(), m, tcp_re); it = m[0].second)
    tcp_ports_.push_back(std::stoi(m[1]));
  if (std::regex_search(log, m, std::regex("farmsim: control 127.0.0.1:([0-9]+)")))
    control_port_ = std::stoi(m[1]);
}

std::string Farmsim::command(const std::string& line) const {
  int s = connect_loopback(control_port_);
  std::string out = line + "\n";
  if (write(s, out.data(), out.size()) != static_cast<ssize_t>(out.size())) {
    close(s);
    throw std::runtime_error("control write failed");
  }
  std::string reply;
  char c;
  while (read(s, &c, 1) == 1 && c != '\n') reply += c;
  close(s);
  return reply;
}

ModbusPtr modbus_tcp_client(int port, int unit, std::chrono::milliseconds timeout) {
  ModbusPtr ctx(modbus_new_tcp("127.0.0.1", port));
  modbus_set_slave(ctx.get(), unit);
  timeout_of(ctx.get(), timeout);
  if (modbus_connect(ctx.get()) != 0) throw std::runtime_error("modbus tcp connect failed");
  return ctx;
}

ModbusPtr modbus_rtu_client(const std::string& device, int unit,
                            std::chrono::milliseconds timeout) {
  ModbusPtr ctx(modbus_new_rtu(device.c_str(), 9600, 'N', 8, 1));
  modbus_set_slave(ctx.get(), unit);
  timeout_of(ctx.get(), timeout);
  if (modbus_connect(ctx.get()) != 0) throw std::runtime_error("modbus rtu connect failed");
  return ctx;
}

std::vector<uint8_t> tcp_exchange(int port, const std::vector<uint8_t>& frame,
                                  std::chrono::milliseconds quiet) {
  int s = connect_loopback(port);
  if (write(s, frame.data(), frame.size()) != static_cast<ssize_t>(frame.size())) {
    close(s);
    throw std::runtime_error("tcp write failed");
  }
  auto got = read_until_quiet(s, quiet);
  close(s);
  return got;
}

std::vector<uint8_t> pty_exchange(const std::string& device, const std::vector<uint8_t>& frame,
                                  std::chrono::milliseconds quiet) {
  int fd = open(device.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + device);
  termios tio{};
  tcgetattr(fd, &tio);
  cfmakeraw(&tio);
  tcsetattr(fd, TCSANOW, &tio);
  tcflush(fd, TCIOFLUSH);
  if (write(fd, frame.data(), frame.size()) != static_cast<ssize_t>(frame.size())) {
    close(fd);
    throw std::runtime_error("pty write failed");
  }
  auto got = read_until_quiet(fd, quiet);
  close(fd);
  return got;
}

std::vector<uint8_t> rtu_request(uint8_t unit, const std::vector<uint8_t>& pdu) {
  // Sized up front: GCC 12's -Warray-bounds misfires on insert() after a one-element init.
  std::vector<uint8_t> f(1 + pdu.size());
  f[0] = unit;
  std::copy(pdu.begin(), pdu.end(), f.begin() + 1);
  uint16_t crc = 0xFFFF;
  for (uint8_t b : f) {
    crc ^= b;
    for (int i = 0; i < 8; ++i) crc = (crc & 1) ? (crc >> 1) ^ 0xA001 : crc >> 1;
  }
  f.push_back(static_cast<uint8_t>(crc & 0xFF));
  f.push_back(static_cast<uint8_t>(crc >> 8));
  return f;
}

}  // namespace farmgate::test
