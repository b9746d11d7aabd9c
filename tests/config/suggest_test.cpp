#include "config/suggest.h"

#include <catch2/catch.hpp>

using namespace farmgate::config;

TEST_CASE("edit distance counts a swap of neighbours as one edit", "[config][suggest]") {
  CHECK(edit_distance("table", "table") == 0);
  CHECK(edit_distance("tabel", "table") == 1);
  CHECK(edit_distance("adress", "address") == 1);
  CHECK(edit_distance("", "abc") == 3);
}

TEST_CASE("only a close key is suggested", "[config][suggest]") {
  const std::vector<std::string> keys = {"name", "bus", "unit", "poll", "stale_after"};
  CHECK(closest("pol", keys) == "poll");
  CHECK(closest("Unit", keys) == "unit");
  CHECK(closest("stale_afer", keys) == "stale_after");
  CHECK(closest("colour", keys).empty());
  CHECK(closest("x", keys).empty());
  CHECK(did_you_mean("buss", keys) == " (did you mean 'bus'?)");
}
