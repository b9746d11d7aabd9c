// farmsim FILE.yaml [--control-port N|auto]
// Serves the described Modbus devices until SIGTERM/SIGINT (exit 0). Prints one line per
// listener, then "farmsim: ready" once all are open. Exit 2: bad command line or file;
// exit 1: a listener or device could not be opened.
#include <signal.h>

#include <boost/asio.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tools/farmsim/control.h"
#include "tools/farmsim/models/farm.h"
#include "tools/farmsim/rtu_server.h"
#include "tools/farmsim/sim_config.h"
#include "tools/farmsim/simulator.h"
#include "tools/farmsim/tcp_server.h"
#include "tools/farmsim/value_codec.h"

namespace {

constexpr auto kTick = std::chrono::milliseconds(100);

int usage(const std::string& why) {
  std::cerr << "farmsim: " << why << "\nusage: farmsim FILE.yaml [--control-port N|auto]\n";
  return 2;
}

std::string join(const std::vector<int>& v) {
  std::string s;
  for (int x : v) s += (s.empty() ? "" : ",") + std::to_string(x);
  return s;
}

// Drives a physics model, when one is set, from the same loop that serves requests. The
// model gets the real time that passed (a busy loop makes ticks late), so a simulated clock
// stays `speed` times real time since start.
void schedule_ticks(boost::asio::steady_timer& timer, farmsim::Simulator& sim,
                    std::chrono::steady_clock::time_point last) {
  timer.expires_after(kTick);
  timer.async_wait([&timer, &sim, last](boost::system::error_code ec) {
    if (ec) return;
    auto passed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - last);
    sim.tick(passed);
    // Only whole milliseconds were handed on: the rest counts in the next tick.
    schedule_ticks(timer, sim, last + passed);
  });
}

std::string hhmm(double seconds_of_day) {
  int m = int(seconds_of_day / 60) % 1440;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", m / 60, m % 60);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  std::string file;
  std::optional<int> control_port;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--control-port" && i + 1 < argc && std::string(argv[i + 1]) == "auto") {
      control_port = farmsim::kAnyPort;
      ++i;
    } else if (a == "--control-port" && i + 1 < argc) {
      auto p = farmsim::parse_integer(argv[++i], 0, 65535);
      if (!p) return usage("bad --control-port '" + std::string(argv[i]) + "'");
      control_port = int(*p);
    } else if (a == "-h" || a == "--help") {
      std::cout << "usage: farmsim FILE.yaml [--control-port N|auto]\n";
      return 0;
    } else if (file.empty() && !a.empty() && a[0] != '-') {
      file = a;
    } else {
      return usage("unexpected argument '" + a + "'");
    }
  }
  if (file.empty()) return usage("missing the description file");

  std::vector<std::string> errors;
  auto cfg = farmsim::load_sim_config(file, &errors);
  if (!cfg) {
    for (const auto& e : errors) std::cerr << e << "\n";
    return 2;
  }
  if (control_port) cfg->control_port = *control_port;

  farmsim::Simulator sim;
  for (auto& [id, setup] : cfg->units) {
    sim.bank().unit(id) = std::move(setup.tables);
    sim.set_fault(id, setup.fault);
  }
  if (cfg->farm) {
    const auto& c = cfg->farm->clock;
    std::cout << "farmsim: clock " << hhmm(c.start_s) << " speed " << c.speed << " models "
              << cfg->farm->physics.size() << "\n";
    sim.set_model(std::make_unique<farmsim::models::FarmModel>(std::move(*cfg->farm)));
    sim.tick(std::chrono::milliseconds(0));  // sensors show their first values before "ready"
  }

  signal(SIGPIPE, SIG_IGN);
  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&io](boost::system::error_code, int) { io.stop(); });

  std::vector<std::unique_ptr<farmsim::TcpServer>> tcp;
  std::vector<std::unique_ptr<farmsim::RtuServer>> rtu;
  std::unique_ptr<farmsim::ControlServer> control;
  try {
    for (const auto& s : cfg->servers) {
      if (s.kind == farmsim::ServerConfig::Kind::tcp) {
        tcp.push_back(std::make_unique<farmsim::TcpServer>(io, sim, s));
        std::cout << "farmsim: tcp " << s.host << ":" << tcp.back()->port() << " units "
                  << join(s.units) << "\n";
      } else {
        rtu.push_back(std::make_unique<farmsim::RtuServer>(io, sim, s));
        std::cout << "farmsim: rtu " << s.serial.device << " units " << join(s.units) << "\n";
      }
    }
    if (cfg->control_port != 0) {
      int port = cfg->control_port == farmsim::kAnyPort ? 0 : cfg->control_port;
      control = std::make_unique<farmsim::ControlServer>(io, sim, port, [&io] { io.stop(); });
      std::cout << "farmsim: control 127.0.0.1:" << control->port() << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "farmsim: error: " << e.what() << "\n";
    return 1;
  }

  boost::asio::steady_timer ticks(io);
  if (sim.has_model()) {
    // The simulated clock's zero, for whoever maps reading timestamps to simulated time.
    auto epoch_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    schedule_ticks(ticks, sim, std::chrono::steady_clock::now());
    std::cout << "farmsim: clock epoch_ms " << epoch_ms << "\n";
  }

  std::cout << "farmsim: ready" << std::endl;
  io.run();
  std::cout << "farmsim: stopped" << std::endl;
  return 0;
}
