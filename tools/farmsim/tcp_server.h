// Modbus TCP server: one listening socket, any number of concurrent clients, each request
// routed by the MBAP unit id to the Simulator. A unit the server does not list gets the
// server's `absent` treatment (default: no reply, like an absent device behind a gateway).
// Replies keep the request's transaction id; late replies (fault `slow`) may overtake
// nothing on their connection except other late ones. Runs on the caller's io_context.
#pragma once

#include <boost/asio.hpp>
#include <set>

#include "tools/farmsim/sim_config.h"
#include "tools/farmsim/simulator.h"

namespace farmsim {

class TcpServer {
 public:
  // Binds and listens at once; throws std::system_error when the address is taken.
  TcpServer(boost::asio::io_context& io, Simulator& sim, const ServerConfig& cfg);
  int port() const { return acceptor_.local_endpoint().port(); }

 private:
  void accept();

  boost::asio::ip::tcp::acceptor acceptor_;
  Simulator& sim_;
  std::set<int> units_;
  Fault absent_;
};

}  // namespace farmsim
