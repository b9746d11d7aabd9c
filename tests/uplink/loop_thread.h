// The daemon's io_context on a thread of its own, so a test can drive it from outside:
// everything that touches the uplink or the store goes through on_loop().
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <thread>
#include <type_traits>

namespace farmgate::test {

class LoopThread {
 public:
  LoopThread();
  ~LoopThread();  // stops the loop and joins
  boost::asio::io_context& io() { return io_; }

  // Runs f on the loop thread and returns its result (rethrows its exception).
  template <typename F>
  auto on_loop(F f) -> std::invoke_result_t<F> {
    std::packaged_task<std::invoke_result_t<F>()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace farmgate::test
