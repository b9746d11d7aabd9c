// Runs a test's io_context for a while (bus owners post their results to it).
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>

namespace farmgate::test {

inline void run_for(boost::asio::io_context& io, std::chrono::milliseconds d) {
  io.restart();
  auto guard = boost::asio::make_work_guard(io);
  io.run_for(d);
}

}  // namespace farmgate::test
