// Child processes for integration tests: real peers (mosquitto, socat, pymodbus, mbpoll, the
// simulator, farmgate itself) started on loopback and always stopped, even when a test fails.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace farmgate::test {

class Process {
 public:
  // Starts argv[0] (searched in PATH) with its stdout and stderr sent to `log_file`
  // (appended; empty: /dev/null). Throws std::runtime_error when it cannot be started.
  Process(std::vector<std::string> argv, std::string log_file = "");
  ~Process();  // SIGTERM, then SIGKILL after 3 s
  Process(Process&& other) noexcept;
  Process& operator=(Process&&) = delete;
  Process(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();                       // false once it exited (reaped)
  void signal(int sig);
  // Waits for exit; returns the exit code, 128+signal when killed, -1 on timeout.
  int wait(std::chrono::milliseconds timeout);
  int stop();                           // SIGTERM + wait (3 s) + SIGKILL; returns wait()'s code
  const std::string& log_file() const { return log_; }
  std::string log_text() const;         // what it wrote so far

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool exited_ = false;
  std::string log_;
};

// Runs a command to completion; returns its exit code and fills `output` (stdout+stderr).
int run_command(const std::vector<std::string>& argv, std::string* output = nullptr,
                std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_tcp_port();
// True once something accepts connections on 127.0.0.1:port (polls until timeout).
bool wait_for_tcp_port(int port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
// Polls `ready` every 20 ms until it returns true or the timeout passes.
bool wait_until(const std::function<bool()>& ready,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A pseudo-terminal pair made by socat: a byte written to one end comes out of the other,
// like two ends of an RS-485 cable. Paths are symlinks inside `dir`.
class PtyPair {
 public:
  explicit PtyPair(const std::string& dir, const std::string& name = "bus");
  const std::string& a() const { return a_; }  // give this end to farmgate
  const std::string& b() const { return b_; }  // and this one to the device
  void stop() { socat_.stop(); }               // "unplug the adapter"

 private:
  std::string a_, b_;
  Process socat_;
};

// A mosquitto broker on a free loopback port, anonymous access, no persistence.
class Broker {
 public:
  explicit Broker(const std::string& dir, int port = 0, const std::string& extra_conf = "");
  int port() const { return port_; }
  std::string url() const { return "mqtt://127.0.0.1:" + std::to_string(port_); }
  void stop() { proc_.reset(); }
  void start();  // again, on the same port
  // A cluster node's real deaths: SIGKILL (no DISCONNECT, nothing flushed), and SIGSTOP /
  // SIGCONT (the socket stays open, nothing is answered: a hung node).
  void kill();
  void pause();
  void resume();

 private:
  std::string dir_, conf_;
  int port_;
  std::unique_ptr<Process> proc_;
};

// Path of a binary built by this project ("farmgate", "farmsim").
std::string built_binary(const std::string& name);
// The Python interpreter that has pymodbus (Debian's, not another one on PATH).
inline const char* system_python() { return "/usr/bin/python3"; }

}  // namespace farmgate::test
