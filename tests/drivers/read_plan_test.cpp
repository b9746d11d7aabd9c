#include <catch2/catch.hpp>

#include "drivers/modbus/read_plan.h"
#include "tests/drivers/modbus_peer.h"

using namespace farmgate;
using config::Table;
using config::ValueType;
using modbus::plan_reads;

namespace {

config::Device dev(int max_registers = 125, int max_gap = 0) {
  config::Device d = test::device("d", test::tcp_bus(502), 1);
  d.max_registers = max_registers;
  d.max_gap = max_gap;
  return d;
}

// Every point is inside exactly one request, whole, and no request exceeds its cap.
void check_covers(const config::Device& d, const std::vector<modbus::ReadRequest>& plan) {
  std::vector<int> seen(d.points.size(), 0);
  for (const auto& r : plan) {
    const int cap = config::is_bit_table(r.table) ? 2000 : std::min(125, d.max_registers);
    CHECK(r.count <= cap);
    for (std::size_t i : r.points) {
      const auto& p = d.points[i];
      const int len = config::is_bit_table(p.table) ? 1 : config::register_count(p.type);
      CHECK(p.table == r.table);
      CHECK(p.address >= r.address);
      CHECK(p.address + len <= r.address + r.count);
      ++seen[i];
    }
  }
  for (int s : seen) CHECK(s == 1);
}

}  // namespace

TEST_CASE("adjacent points are read in one transaction", "[read_plan]") {
  auto d = dev();
  test::add_point(d, "a", Table::holding, 0);
  test::add_point(d, "b", Table::holding, 1, ValueType::float32);
  test::add_point(d, "c", Table::holding, 3);
  const auto plan = plan_reads(d);
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].address == 0);
  CHECK(plan[0].count == 4);
  check_covers(d, plan);
}

TEST_CASE("points given out of order are planned by address", "[read_plan]") {
  auto d = dev();
  test::add_point(d, "c", Table::input, 3);
  test::add_point(d, "a", Table::input, 1);
  test::add_point(d, "b", Table::input, 2);
  const auto plan = plan_reads(d);
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].table == Table::input);
  CHECK(plan[0].address == 1);
  CHECK(plan[0].count == 3);
  CHECK(plan[0].points == std::vector<std::size_t>{1, 2, 0});
}

TEST_CASE("overlapping points share a read", "[read_plan]") {
  auto d = dev();
  test::add_point(d, "whole", Table::holding, 10, ValueType::uint32);
  test::add_point(d, "high", Table::holding, 10);
  const auto plan = plan_reads(d);
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].count == 2);
}

TEST_CASE("a gap is read across only up to max_gap registers", "[read_plan]") {
  struct Row {
    int max_gap;
    std::size_t reads;
  };
  // points at 0 and 5: a hole of 4 registers (1..4)
  for (Row row : {Row{0, 2}, Row{3, 2}, Row{4, 1}, Row{10, 1}}) {
    INFO("max_gap " << row.max_gap);
    auto d = dev(125, row.max_gap);
    test::add_point(d, "a", Table::holding, 0);
    test::add_point(d, "b", Table::holding, 5);
    const auto plan = plan_reads(d);
    CHECK(plan.size() == row.reads);
    if (row.reads == 1) CHECK(plan[0].count == 6);
    check_covers(d, plan);
  }
}

TEST_CASE("max_registers caps each read", "[read_plan]") {
  auto d = dev(4);
  for (int i = 0; i < 10; ++i) test::add_point(d, "p" + std::to_string(i), Table::holding, i);
  const auto plan = plan_reads(d);
  REQUIRE(plan.size() == 3);
  CHECK(plan[0].count == 4);
  CHECK(plan[1].count == 4);
  CHECK(plan[2].count == 2);
  check_covers(d, plan);
}

TEST_CASE("no read is longer than 125 registers", "[read_plan]") {
  auto d = dev(1000);
  for (int i = 0; i < 130; ++i) test::add_point(d, "p" + std::to_string(i), Table::input, i);
  const auto plan = plan_reads(d);
  REQUIRE(plan.size() == 2);
  CHECK(plan[0].count == 125);
  CHECK(plan[1].count == 5);
  check_covers(d, plan);
}

TEST_CASE("a 4-register value is never split across reads", "[read_plan]") {
  auto d = dev(6);
  test::add_point(d, "a", Table::holding, 0);
  test::add_point(d, "b", Table::holding, 1);
  test::add_point(d, "c", Table::holding, 2);
  test::add_point(d, "big", Table::holding, 3, ValueType::float64);  // 3..6
  const auto plan = plan_reads(d);
  REQUIRE(plan.size() == 2);
  CHECK(plan[0].address == 0);
  CHECK(plan[0].count == 3);
  CHECK(plan[1].address == 3);
  CHECK(plan[1].count == 4);
  check_covers(d, plan);
}

TEST_CASE("each table gets its own reads", "[read_plan]") {
  auto d = dev();
  test::add_point(d, "c1", Table::coil, 1);
  test::add_point(d, "h", Table::holding, 0);
  test::add_point(d, "i", Table::input, 0);
  test::add_point(d, "c0", Table::coil, 0);
  test::add_point(d, "di", Table::discrete, 5);
  const auto plan = plan_reads(d);
  REQUIRE(plan.size() == 4);
  CHECK(plan[0].table == Table::holding);
  CHECK(plan[1].table == Table::input);
  CHECK(plan[2].table == Table::coil);
  CHECK(plan[2].count == 2);
  CHECK(plan[3].table == Table::discrete);
  check_covers(d, plan);
}

TEST_CASE("bit reads stop at 2000 bits, whatever max_registers says", "[read_plan]") {
  auto d = dev(10);
  for (int i = 0; i < 2001; ++i) test::add_point(d, "c" + std::to_string(i), Table::coil, i);
  const auto plan = plan_reads(d);
  REQUIRE(plan.size() == 2);
  CHECK(plan[0].count == 2000);
  CHECK(plan[1].count == 1);
  check_covers(d, plan);
}

TEST_CASE("planning a subset reads only those points", "[read_plan]") {
  auto d = dev();
  test::add_point(d, "a", Table::holding, 0);
  test::add_point(d, "b", Table::holding, 40);
  test::add_point(d, "c", Table::holding, 80);
  const auto plan = plan_reads(d, {2});
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].address == 80);
  CHECK(plan[0].points == std::vector<std::size_t>{2});
  CHECK(plan_reads(d, {}).empty());
}
