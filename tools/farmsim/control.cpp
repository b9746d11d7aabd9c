#include "tools/farmsim/control.h"

#include <memory>
#include <string>

#include "tools/farmsim/control_commands.h"

namespace farmsim {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

class ControlSession : public std::enable_shared_from_this<ControlSession> {
 public:
  ControlSession(tcp::socket s, Simulator& sim, std::function<void()>& on_shutdown)
      : socket_(std::move(s)), sim_(sim), on_shutdown_(on_shutdown) {}

  void read_line() {
    auto self = shared_from_this();
    asio::async_read_until(socket_, in_, '\n', [this, self](boost::system::error_code ec, size_t) {
      if (ec) return;
      std::istream is(&in_);
      std::string line;
      std::getline(is, line);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) return read_line();
      std::string word = line.substr(line.find_first_not_of(" \t"));
      word = word.substr(0, word.find_first_of(" \t"));
      if (word == "quit") return reply("ok bye", [] {});
      if (word == "shutdown") return reply("ok", [this] { on_shutdown_(); });
      reply(execute_command(sim_, line), [this, self] { read_line(); });
    });
  }

 private:
  template <typename Then>
  void reply(const std::string& text, Then then) {
    auto self = shared_from_this();
    auto out = std::make_shared<std::string>(text + "\n");
    // The reply is written whole before the next line is read: one reply per command, in order.
    asio::async_write(socket_, asio::buffer(*out),
                      [self, out, then](boost::system::error_code ec, size_t) {
                        if (!ec) then();
                      });
  }

  tcp::socket socket_;
  Simulator& sim_;
  std::function<void()>& on_shutdown_;
  asio::streambuf in_;
};

}  // namespace

ControlServer::ControlServer(asio::io_context& io, Simulator& sim, int port,
                             std::function<void()> on_shutdown)
    : acceptor_(io), sim_(sim), on_shutdown_(std::move(on_shutdown)) {
  tcp::endpoint ep(asio::ip::address_v4::loopback(), static_cast<unsigned short>(port));
  acceptor_.open(ep.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen();
  accept();
}

void ControlServer::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (!ec) std::make_shared<ControlSession>(std::move(socket), sim_, on_shutdown_)->read_line();
    if (acceptor_.is_open()) accept();
  });
}

}  // namespace farmsim
