#include "tools/farmsim/rtu_server.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include "tools/farmsim/rtu_frame.h"

namespace farmsim {
namespace asio = boost::asio;

namespace {

speed_t speed_of(int baud) {
  switch (baud) {
    case 1200:
      return B1200;
    case 2400:
      return B2400;
    case 4800:
      return B4800;
    case 9600:
      return B9600;
    case 19200:
      return B19200;
    case 38400:
      return B38400;
    case 57600:
      return B57600;
    case 115200:
      return B115200;
    case 230400:
      return B230400;
    default:
      return B0;
  }
}

int open_serial(const SerialSettings& s) {
  int fd = ::open(s.device.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + s.device + ": " + std::strerror(errno));
  termios tio{};
  if (tcgetattr(fd, &tio) == 0) {
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~(CSIZE | PARENB | PARODD | CSTOPB);
    tio.c_cflag |= s.data_bits == 5 ? CS5 : s.data_bits == 6 ? CS6 : s.data_bits == 7 ? CS7 : CS8;
    if (s.parity != 'N') tio.c_cflag |= PARENB;
    if (s.parity == 'O') tio.c_cflag |= PARODD;
    if (s.stop_bits == 2) tio.c_cflag |= CSTOPB;
    if (speed_t sp = speed_of(s.baud); sp != B0) cfsetspeed(&tio, sp);
    // A pty ignores line settings; a real port that refuses them still carries bytes.
    tcsetattr(fd, TCSANOW, &tio);
  }
  tcflush(fd, TCIOFLUSH);
  return fd;
}

// 3.5 characters of 11 bits, but never under 20 ms: a pty or USB adapter delivers a frame
// in pieces with gaps far longer than the wire's.
std::chrono::milliseconds gap_for(int baud) {
  auto t35 = std::chrono::milliseconds(38500 / baud + 1);  // 38.5 bits
  return std::max(t35, std::chrono::milliseconds(20));
}

}  // namespace

RtuServer::RtuServer(asio::io_context& io, Simulator& sim, const ServerConfig& cfg)
    : port_(io, open_serial(cfg.serial)),
      silence_(io),
      gap_(gap_for(cfg.serial.baud)),
      sim_(sim),
      device_(cfg.serial.device),
      units_(cfg.units.begin(), cfg.units.end()) {
  read();
}

void RtuServer::read() {
  port_.async_read_some(asio::buffer(chunk_), [this](boost::system::error_code ec, size_t n) {
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      // The other end went away (socat stopped): this line is dead, the rest keeps serving.
      std::cerr << "farmsim: rtu " << device_ << ": " << ec.message() << "\n";
      return;
    }
    if (!discarding_) buf_.insert(buf_.end(), chunk_.begin(), chunk_.begin() + long(n));
    take_frames();
    // Every byte restarts the silence timer (a pending wait is cancelled by this).
    silence_.expires_after(gap_);
    silence_.async_wait([this](boost::system::error_code e) {
      if (!e) on_silence();
    });
    read();
  });
}

void RtuServer::take_frames() {
  while (!discarding_ && buf_.size() >= 2) {
    int need = request_length(buf_.data(), buf_.size());
    if (need <= 0 || buf_.size() < size_t(need)) return;  // wait for bytes or silence
    if (!crc_ok(buf_.data(), size_t(need))) {
      buf_.clear();
      discarding_ = true;
      return;
    }
    Bytes frame(buf_.begin(), buf_.begin() + need);
    buf_.erase(buf_.begin(), buf_.begin() + need);
    handle(frame);
  }
}

void RtuServer::on_silence() {
  // A frame of unknown layout ends here; anything else left is a fragment.
  if (!discarding_ && buf_.size() >= 4 && request_length(buf_.data(), buf_.size()) < 0 &&
      crc_ok(buf_.data(), buf_.size()))
    handle(buf_);
  buf_.clear();
  discarding_ = false;
}

void RtuServer::handle(const Bytes& frame) {
  int unit = frame[0];
  Bytes pdu(frame.begin() + 1, frame.end() - 2);
  if (unit == 0) return sim_.broadcast({units_.begin(), units_.end()}, pdu);
  if (!units_.count(unit)) return;  // another device's request
  Response r = sim_.handle(unit, pdu);
  if (!r.send) return;
  if (r.delay.count() == 0) return send(r);
  auto timer = std::make_shared<asio::steady_timer>(port_.get_executor(), r.delay);
  timer->async_wait([this, timer, r](boost::system::error_code ec) {
    if (!ec) send(r);
  });
}

void RtuServer::send(const Response& r) {
  Bytes frame = rtu_frame(static_cast<uint8_t>(r.unit), r.pdu);
  if (r.corrupt_crc) {
    frame[frame.size() - 1] ^= 0xFF;
    frame[frame.size() - 2] ^= 0xFF;
  }
  if (r.truncate) truncate_frame(&frame);
  boost::system::error_code ec;
  asio::write(port_, asio::buffer(frame), ec);
  if (!ec) sim_.count_reply(r.origin, r.pdu);
}

}  // namespace farmsim
