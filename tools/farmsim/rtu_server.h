// Modbus RTU server on a serial device or pseudo-terminal: several units share the line,
// as devices on one RS-485 bus do. Frames are cut by the request layout of their function
// code (unknown codes: at the next silence) and checked by CRC; a frame with a bad CRC, or
// for a unit this line does not serve, gets no reply, and the bytes after a bad frame are
// dropped until the line falls silent (resynchronisation). Unit 0 is a broadcast: writes
// reach every unit on the line and nobody answers.
#pragma once

#include <boost/asio.hpp>
#include <set>
#include <string>

#include "tools/farmsim/pdu.h"
#include "tools/farmsim/sim_config.h"
#include "tools/farmsim/simulator.h"

namespace farmsim {

class RtuServer {
 public:
  // Opens and configures the device at once; throws std::runtime_error when it cannot
  // (settings a pty does not support, such as the speed, are tolerated).
  RtuServer(boost::asio::io_context& io, Simulator& sim, const ServerConfig& cfg);
  const std::string& device() const { return device_; }

 private:
  void read();
  void take_frames();
  void on_silence();
  void handle(const Bytes& frame);
  void send(const Response& r);

  boost::asio::posix::stream_descriptor port_;
  boost::asio::steady_timer silence_;
  std::chrono::milliseconds gap_;
  Simulator& sim_;
  std::string device_;
  std::set<int> units_;
  std::array<uint8_t, 512> chunk_{};
  Bytes buf_;
  bool discarding_ = false;  // after a bad frame, until the line is silent
};

}  // namespace farmsim
