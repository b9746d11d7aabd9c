#include "tools/farmsim/tcp_server.h"

#include <array>
#include <deque>
#include <iostream>
#include <memory>

namespace farmsim {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr size_t kMbapSize = 7;  // transaction(2) protocol(2) length(2) unit(1)

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Simulator& sim, const std::set<int>& units, const Fault& absent)
      : socket_(std::move(socket)), sim_(sim), units_(units), absent_(absent) {}

  void start() { read(); }

 private:
  void read() {
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(chunk_), [this, self](auto ec, size_t n) {
      if (ec) return close();
      buf_.insert(buf_.end(), chunk_.begin(), chunk_.begin() + static_cast<long>(n));
      if (!take_frames()) return close();
      read();
    });
  }

  // Handles every complete frame in buf_; false when the stream is not Modbus TCP.
  bool take_frames() {
    while (buf_.size() >= kMbapSize) {
      size_t len = static_cast<size_t>((buf_[4] << 8) | buf_[5]);
      bool protocol_ok = buf_[2] == 0 && buf_[3] == 0;
      if (!protocol_ok || len < 2 || len > 254) return false;
      if (buf_.size() < 6 + len) return true;
      Bytes header(buf_.begin(), buf_.begin() + kMbapSize);
      Bytes pdu(buf_.begin() + kMbapSize, buf_.begin() + static_cast<long>(6 + len));
      buf_.erase(buf_.begin(), buf_.begin() + static_cast<long>(6 + len));
      handle(header, pdu);
    }
    return true;
  }

  void handle(const Bytes& header, const Bytes& pdu) {
    int unit = header[6];
    if (!units_.count(unit)) {
      if (absent_.mode == Fault::Mode::exception)
        send(header, unit, exception_pdu(pdu[0], static_cast<uint8_t>(absent_.arg)), -1, false);
      return;
    }
    Response r = sim_.handle(unit, pdu);
    if (!r.send) return;
    if (r.delay.count() == 0) return send(header, r.unit, r.pdu, r.origin, r.truncate);
    auto timer = std::make_shared<asio::steady_timer>(socket_.get_executor(), r.delay);
    auto self = shared_from_this();
    timer->async_wait([this, self, timer, header, r](auto ec) {
      if (!ec) send(header, r.unit, r.pdu, r.origin, r.truncate);
    });
  }

  // origin < 0: not a unit's reply (absent unit), counted nowhere.
  void send(const Bytes& header, int unit, const Bytes& pdu, int origin, bool truncate) {
    if (!socket_.is_open()) return;
    Bytes frame(header.begin(), header.begin() + 4);
    size_t len = pdu.size() + 1;
    frame.push_back(static_cast<uint8_t>(len >> 8));
    frame.push_back(static_cast<uint8_t>(len & 0xFF));
    frame.push_back(static_cast<uint8_t>(unit));
    frame.insert(frame.end(), pdu.begin(), pdu.end());
    if (truncate) truncate_frame(&frame);
    if (origin >= 0) sim_.count_reply(origin, pdu);
    out_.push_back(std::move(frame));
    if (out_.size() == 1) write();
  }

  void write() {
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(out_.front()), [this, self](auto ec, size_t) {
      if (ec) return close();
      out_.pop_front();
      if (!out_.empty()) write();
    });
  }

  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
    out_.clear();
  }

  tcp::socket socket_;
  Simulator& sim_;
  std::set<int> units_;
  Fault absent_;
  std::array<uint8_t, 512> chunk_{};
  Bytes buf_;
  std::deque<Bytes> out_;
};

}  // namespace

TcpServer::TcpServer(asio::io_context& io, Simulator& sim, const ServerConfig& cfg)
    : acceptor_(io), sim_(sim), units_(cfg.units.begin(), cfg.units.end()), absent_(cfg.absent) {
  tcp::endpoint ep(asio::ip::make_address(cfg.host), static_cast<unsigned short>(cfg.port));
  acceptor_.open(ep.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen();
  accept();
}

void TcpServer::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (!ec) {
      socket.set_option(tcp::no_delay(true));
      std::make_shared<Session>(std::move(socket), sim_, units_, absent_)->start();
    }
    if (acceptor_.is_open()) accept();
  });
}

}  // namespace farmsim
