// The control channel: a line-based TCP listener on 127.0.0.1 for tests and the demo. Each
// line is one command (control_commands.h) answered by one line. Two commands belong to the
// session: `quit` ("ok bye", then the connection closes) and `shutdown` ("ok", then farmsim
// stops as on SIGTERM). Any number of clients may be connected at once.
#pragma once

#include <boost/asio.hpp>
#include <functional>

#include "tools/farmsim/simulator.h"

namespace farmsim {

class ControlServer {
 public:
  // Listens on 127.0.0.1:port (0: any free port); throws std::system_error on failure.
  ControlServer(boost::asio::io_context& io, Simulator& sim, int port,
                std::function<void()> on_shutdown);
  int port() const { return acceptor_.local_endpoint().port(); }

 private:
  void accept();

  boost::asio::ip::tcp::acceptor acceptor_;
  Simulator& sim_;
  std::function<void()> on_shutdown_;
};

}  // namespace farmsim
