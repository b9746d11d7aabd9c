#include "daemon/reload_loader.h"

#include <boost/asio/post.hpp>

#include "daemon/reload_plan.h"

namespace farmgate::daemon {

ReloadLoader::ReloadLoader(boost::asio::io_context& io, std::string config_path)
    : io_(io), config_path_(std::move(config_path)) {}

ReloadLoader::~ReloadLoader() {
  *alive_ = false;
  if (worker_.joinable()) worker_.join();
}

LoadedSetup ReloadLoader::load(const std::string& config_path) {
  LoadedSetup out;
  out.setup = load_setup(config_path);
  if (out.setup.config) out.uplink_files = uplink_files_digest(*out.setup.config);
  return out;
}

void ReloadLoader::request(Done done) {
  done_ = std::move(done);
  if (busy_) {
    again_ = true;
    return;
  }
  launch();
}

void ReloadLoader::launch() {
  busy_ = true;
  // The previous worker has posted its result and is at most returning: a short join.
  if (worker_.joinable()) worker_.join();
  worker_ = std::thread([this, alive = alive_, path = config_path_] {
    auto result = std::make_shared<LoadedSetup>(load(path));
    // Only the loop reads `alive` and this object: the worker touches neither after here.
    boost::asio::post(io_, [this, alive, result] {
      if (!*alive) return;
      busy_ = false;
      Done done = done_;
      if (again_) {
        again_ = false;
        launch();  // a newer request: its result follows; this one is still reported
      }
      done(std::move(*result));
    });
  });
}

}  // namespace farmgate::daemon
