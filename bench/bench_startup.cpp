// Figure 7, start-up: from exec of `farmgate run` (the 100-device farm of the footprint
// benchmark, storage already created) to READY=1 on a NOTIFY_SOCKET datagram socket the bench
// listens on, and to the first poll request farmsim counts (`stats 1` through its control
// channel). Baseline: exec of `farmgate --version` to its exit. Medians of several runs.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <poll.h>
#include <stdexcept>

#include "bench/farm.h"
#include "bench/report.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/tools/farmsim_fixture.h"

using namespace farmgate;

namespace {

long requests(const test::Farmsim& sim) {
  const std::string r = sim.command("stats 1");
  const auto at = r.find("requests=");
  return at == std::string::npos ? -1 : std::stol(r.substr(at + 9));
}

// Waits for a datagram containing READY=1; false after `timeout_ms`.
bool wait_ready(int fd, int timeout_ms) {
  auto t0 = std::chrono::steady_clock::now();
  char buf[512];
  while (bench::seconds_since(t0) * 1000 < timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) == 1) {
      const ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
      if (n > 0) {
        buf[n] = 0;
        if (std::strstr(buf, "READY=1")) return true;
      }
    }
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = bench::quick(argc, argv) ? 3 : 7;
  test::TempDir dir("farmgate-bench");
  test::Farmsim sim(dir, bench::farmsim_yaml(100, 10));
  const std::string farmgate = test::built_binary("farmgate");
  const std::string cfg =
      dir.write("farmgate.yaml", bench::farmgate_yaml(dir.path(), sim.tcp_port(), 100, 10, 4, ""));

  const std::string sock_path = dir.file("notify.sock");
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, sock_path.c_str(), sizeof addr.sun_path - 1);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("bind " + sock_path);
  setenv("NOTIFY_SOCKET", sock_path.c_str(), 1);

  std::vector<double> ready_ms, poll_ms, version_ms;
  for (int i = 0; i < runs; ++i) {
    auto v0 = std::chrono::steady_clock::now();
    test::run_command({farmgate, "--version"});
    version_ms.push_back(bench::seconds_since(v0) * 1000);

    const long before = requests(sim);
    auto t0 = std::chrono::steady_clock::now();
    test::Process p({farmgate, "run", "-c", cfg}, dir.file("farmgate.log"));
    if (!wait_ready(fd, 20000)) {
      std::fprintf(stderr, "startup: no READY=1\n%s\n", p.log_text().c_str());
      return 1;
    }
    ready_ms.push_back(bench::seconds_since(t0) * 1000);
    while (requests(sim) <= before && bench::seconds_since(t0) < 20) {
    }
    poll_ms.push_back(bench::seconds_since(t0) * 1000);
    p.stop();
  }
  unsetenv("NOTIFY_SOCKET");
  close(fd);
  const double version = bench::quantile(version_ms, 0.5);
  bench::report("startup_ready", bench::quantile(ready_ms, 0.5), "ms", version);
  bench::report("startup_first_poll", bench::quantile(poll_ms, 0.5), "ms", version);
  return 0;
}
