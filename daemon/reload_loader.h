// Loads the config and rules for a reload on a worker thread and hands the result to the
// loop, so that parsing (up to 4 MiB per file, yaml-cpp is not fast) never holds up polls,
// ticks or publishes (spec §7: no more than 1 s).
//
// Owned and called on the loop thread only. One load at a time: a request while one runs
// asks for one more load after it (the files may have changed again), so a burst of SIGHUPs
// costs at most two loads. Destruction waits for a running load (its result is dropped);
// a load is bounded by the file size caps, so that wait is short.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>

#include "daemon/setup.h"

namespace farmgate::daemon {

struct LoadedSetup {
  Setup setup;
  std::string uplink_files;  // uplink_files_digest() of setup.config (read off the loop too)
};

class ReloadLoader {
 public:
  using Done = std::function<void(LoadedSetup)>;

  ReloadLoader(boost::asio::io_context& io, std::string config_path);
  ~ReloadLoader();
  ReloadLoader(const ReloadLoader&) = delete;
  ReloadLoader& operator=(const ReloadLoader&) = delete;

  // `done` runs on the loop with the result.
  void request(Done done);
  bool busy() const { return busy_; }

  // The same work, on the calling thread (start-up, tests).
  static LoadedSetup load(const std::string& config_path);

 private:
  void launch();

  boost::asio::io_context& io_;
  const std::string config_path_;
  std::thread worker_;
  bool busy_ = false;
  bool again_ = false;
  Done done_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace farmgate::daemon
