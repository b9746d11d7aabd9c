// The outbox between a bus thread and the loop: order, the bound on a poll's delay, the
// loop's turn between batches, and a callback that throws. A real io_context and a real
// producer thread.
#include <catch2/catch.hpp>

#include <algorithm>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "drivers/modbus/outbox.h"
#include "tests/drivers/run_io.h"

using namespace farmgate;
using namespace std::chrono_literals;
using modbus::Outbox;

TEST_CASE("results from a bus thread run on the loop, in the order they were made",
          "[outbox]") {
  boost::asio::io_context io;
  Outbox outbox(io);
  constexpr int kResults = 20000;
  std::vector<int> seen;
  std::vector<std::thread::id> ran_on;
  std::thread producer([&] {
    // Polls posted soon, a command's answer now and then, and the bus resting now and then,
    // while the loop drains: every path races with the drains and the timer.
    for (int i = 0; i < kResults; ++i) {
      auto result = [&, i] {
        seen.push_back(i);
        ran_on.push_back(std::this_thread::get_id());
      };
      if (i % 7 == 0) outbox.post(result);
      else outbox.post_soon(result);
      if (i % 500 == 0) outbox.flush();
      if (i % 1000 == 0) std::this_thread::sleep_for(3ms);  // long enough for the timer
    }
  });
  for (int spins = 0; spins < 1000 && seen.size() < kResults; ++spins) test::run_for(io, 10ms);
  producer.join();
  REQUIRE(seen.size() == kResults);
  for (int i = 0; i < kResults; ++i) REQUIRE(seen[static_cast<std::size_t>(i)] == i);
  for (const auto& id : ran_on) REQUIRE(id == std::this_thread::get_id());
}

TEST_CASE("a result posted soon runs without a flush, and at once with one", "[outbox]") {
  boost::asio::io_context io;
  Outbox outbox(io);
  int ran = 0;
  // No flush: the bus thread is stuck on a unit that does not answer. The timer drains it.
  outbox.post_soon([&] { ++ran; });
  outbox.post_soon([&] { ++ran; });
  test::run_for(io, 200ms);
  CHECK(ran == 2);
  // The bus rests: flushed, so it runs with no timer to wait for.
  outbox.post_soon([&] { ++ran; });
  outbox.flush();
  io.restart();
  io.poll();  // ready handlers only
  CHECK(ran == 3);
  outbox.flush();  // nothing posted: nothing runs twice
  test::run_for(io, 20ms);
  CHECK(ran == 3);
}

TEST_CASE("a flood of results gives the loop its turn between batches", "[outbox]") {
  // A command posted to the loop while a thousand polls wait must not wait for all of them.
  boost::asio::io_context io;
  Outbox outbox(io);
  std::vector<int> order;  // result numbers, and -1 for the command
  for (int i = 0; i < 1000; ++i)
    outbox.post_soon([&, i] {
      order.push_back(i);
      if (i == 0) boost::asio::post(io, [&] { order.push_back(-1); });
    });
  outbox.flush();
  test::run_for(io, 100ms);
  REQUIRE(order.size() == 1001);
  const auto command = std::find(order.begin(), order.end(), -1) - order.begin();
  CHECK(command == static_cast<long>(Outbox::kBatch));  // right after the first batch
  order.erase(order.begin() + command);
  for (int i = 0; i < 1000; ++i) REQUIRE(order[static_cast<std::size_t>(i)] == i);
}

TEST_CASE("a result that throws does not stop the results after it", "[outbox]") {
  boost::asio::io_context io;
  Outbox outbox(io);
  int ran = 0;
  for (std::size_t i = 0; i < 3 * Outbox::kBatch; ++i)
    outbox.post([&, i] {
      ++ran;
      if (i == 1) throw std::runtime_error("a callback's fault");
    });
  CHECK_THROWS_WITH(test::run_for(io, 100ms), "a callback's fault");
  test::run_for(io, 100ms);
  CHECK(ran == static_cast<int>(3 * Outbox::kBatch));  // every one, the thrower once
  // The outbox still wakes the loop for new results, now and soon.
  outbox.post([&] { ++ran; });
  outbox.post_soon([&] { ++ran; });
  test::run_for(io, 100ms);
  CHECK(ran == static_cast<int>(3 * Outbox::kBatch) + 2);
}

TEST_CASE("results outlive the outbox that posted them", "[outbox]") {
  boost::asio::io_context io;
  int ran = 0;
  {
    Outbox outbox(io);
    outbox.post_soon([&] { ++ran; });  // its timer is armed after the outbox is gone
    outbox.post([&] { ++ran; });
  }
  test::run_for(io, 100ms);
  CHECK(ran == 2);
}
