#include "tests/support/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/temp_dir.h"

namespace farmgate::test {
namespace {

pid_t spawn(const std::vector<std::string>& argv, int out_fd) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // Until exec the child is a copy of the test process, whose handlers (Catch2 reports
  // fatal signals) are not safe there: a SIGTERM sent at once can land inside fork(), while
  // glibc still holds malloc's locks in the child, and the handler deadlocks on them. So
  // every signal waits, blocked, until the child has the default actions; one that came
  // meanwhile then ends it as it would have ended the program.
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  pid_t pid = fork();
  if (pid == 0) {
    for (int sig = 1; sig < NSIG; ++sig) {
      struct sigaction action {};
      if (sigaction(sig, nullptr, &action) != 0 || action.sa_handler == SIG_IGN) continue;
      action = {};
      action.sa_handler = SIG_DFL;
      sigaction(sig, &action, nullptr);  // ignored ones stay ignored, as exec keeps them
    }
    sigprocmask(SIG_SETMASK, &previous, nullptr);
    // Own process group, so stopping the child also stops what it started.
    setpgid(0, 0);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(out_fd, STDERR_FILENO);
    execvp(args[0], args.data());
    dprintf(out_fd, "exec %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  const int fork_errno = errno;
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(fork_errno));
  return pid;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

Process::Process(std::vector<std::string> argv, std::string log_file) : log_(std::move(log_file)) {
  int fd = log_.empty() ? open("/dev/null", O_WRONLY)
                        : open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open log " + log_);
  try {
    pid_ = spawn(argv, fd);
  } catch (...) {
    close(fd);
    throw;
  }
  close(fd);
}

Process::Process(Process&& other) noexcept
    : pid_(other.pid_), status_(other.status_), exited_(other.exited_), log_(other.log_) {
  other.pid_ = -1;
}

Process::~Process() {
  if (pid_ > 0) stop();
}

bool Process::running() {
  if (pid_ <= 0 || exited_) return false;
  int st = 0;
  pid_t r = waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    exited_ = true;
    status_ = st;
    return false;
  }
  return true;
}

void Process::signal(int sig) {
  if (running()) kill(pid_, sig);
}

int Process::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return exited_ ? decode_status(status_) : -1;
}

int Process::stop() {
  if (pid_ <= 0) return -1;
  if (running()) {
    kill(pid_, SIGTERM);
    if (wait(std::chrono::seconds(3)) < 0) {
      kill(-pid_, SIGKILL);
      kill(pid_, SIGKILL);
      wait(std::chrono::seconds(3));
    }
  }
  // Anything the child left in its group (socat children, shells) goes too.
  kill(-pid_, SIGKILL);
  return exited_ ? decode_status(status_) : -1;
}

std::string Process::log_text() const { return log_.empty() ? "" : read_file(log_); }

int run_command(const std::vector<std::string>& argv, std::string* output,
                std::chrono::milliseconds timeout) {
  TempDir dir("farmgate-cmd");
  std::string log = dir.file("out");
  Process p(argv, log);
  int code = p.wait(timeout);
  if (code < 0) code = p.stop() < 0 ? -1 : -1;
  if (output) *output = read_file(log);
  return code;
}

int free_tcp_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(s);
    throw std::runtime_error("bind 127.0.0.1:0 failed");
  }
  socklen_t len = sizeof addr;
  getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  close(s);
  return ntohs(addr.sin_port);
}

bool wait_for_tcp_port(int port, std::chrono::milliseconds timeout) {
  return wait_until(
      [port] {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<uint16_t>(port));
        bool ok = connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        close(s);
        return ok;
      },
      timeout);
}

bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!ready()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

PtyPair::PtyPair(const std::string& dir, const std::string& name)
    : a_(dir + "/" + name + "-a"),
      b_(dir + "/" + name + "-b"),
      socat_({"socat", "pty,raw,echo=0,link=" + a_, "pty,raw,echo=0,link=" + b_},
             dir + "/" + name + "-socat.log") {
  struct stat st {};
  bool ok = wait_until([&] { return stat(a_.c_str(), &st) == 0 && stat(b_.c_str(), &st) == 0; },
                       std::chrono::seconds(5));
  if (!ok) throw std::runtime_error("socat did not create " + a_ + " and " + b_);
}

Broker::Broker(const std::string& dir, int port, const std::string& extra_conf)
    : dir_(dir), conf_(dir + "/mosquitto.conf"), port_(port ? port : free_tcp_port()) {
  std::ofstream(conf_) << "listener " << port_ << " 127.0.0.1\n"
                       << "allow_anonymous true\n"
                       << "persistence false\n"
                       << "user root\n"
                       << extra_conf << "\n";
  start();
}

void Broker::start() {
  proc_ = std::make_unique<Process>(std::vector<std::string>{"mosquitto", "-c", conf_},
                                    dir_ + "/mosquitto.log");
  if (!wait_for_tcp_port(port_))
    throw std::runtime_error("mosquitto did not listen on " + std::to_string(port_) + ": " +
                             proc_->log_text());
}

void Broker::kill() {
  if (!proc_) return;
  proc_->signal(SIGKILL);
  proc_->wait(std::chrono::seconds(5));
  proc_.reset();
}

void Broker::pause() {
  if (proc_) proc_->signal(SIGSTOP);
}

void Broker::resume() {
  if (proc_) proc_->signal(SIGCONT);
}

std::string built_binary(const std::string& name) {
  for (const char* sub : {"/daemon/", "/tools/", "/tools/farmsim/", "/"}) {
    std::string p = std::string(FARMGATE_BINARY_DIR) + sub + name;
    // build/tools/farmsim is also the folder of that target: only a regular file will do.
    struct stat st {};
    if (stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(p.c_str(), X_OK) == 0)
      return p;
  }
  throw std::runtime_error("built binary not found: " + name);
}

}  // namespace farmgate::test
