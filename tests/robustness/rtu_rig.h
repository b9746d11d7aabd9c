// One shared RS-485 bus for fault tests: a socat pty pair, farmsim serving units 5 (`sick`,
// the one that misbehaves) and 6 (`healthy`) on the far end, mosquitto, and farmgate's
// config polling both units on that one bus (gateway id test-gw, as tests/daemon/payload_checks
// expect). The adapter can be unplugged (socat and the
// device side stop) and plugged back at the same paths while farmgate keeps running.
#pragma once

#include <memory>
#include <string>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/tools/farmsim_fixture.h"

namespace farmgate::test {

inline constexpr int kSickUnit = 5, kHealthyUnit = 6;

class RtuRig {
 public:
  RtuRig();
  const TempDir& dir() const { return dir_; }
  Broker& broker() { return *broker_; }
  Farmsim& sim() { return *sim_; }
  // farmgate.yaml: both devices polled every `poll` (timeout 100 ms, no retries).
  std::string write_config(const std::string& poll) const;
  std::unique_ptr<Process> start_daemon() const;
  std::string log() const { return read_file(dir_.file("farmgate.log")); }

  void unplug();  // socat and the device side stop: the tty paths vanish
  void plug();    // back at the same paths, device side again

  // farmsim's `requests=` count for a unit.
  long requests(int unit) const;

 private:
  TempDir dir_;
  std::unique_ptr<PtyPair> pty_;
  std::unique_ptr<Farmsim> sim_;
  std::unique_ptr<Broker> broker_;
};

}  // namespace farmgate::test
