// The line and caret printed under a diagnostic (config::source_excerpt): the caret must sit
// under the column a person sees, whatever the line holds.
#include <catch2/catch.hpp>

#include "config/diagnostic.h"

using farmgate::config::source_excerpt;

TEST_CASE("the caret sits under the column", "[config][excerpt]") {
  CHECK(source_excerpt("    unit: 0", 11) == "    unit: 0\n          ^\n");
  CHECK(source_excerpt("buses", 6) == "buses\n     ^\n");  // just past the end
}

TEST_CASE("a multi-byte character before the column takes one place", "[config][excerpt]") {
  // "°" is two bytes: column 12 (bytes) is the 11th character on screen.
  CHECK(source_excerpt("unit: °C, x: 1", 12) == "unit: °C, x: 1\n          ^\n");
}

TEST_CASE("tabs before the column are copied so the caret lines up", "[config][excerpt]") {
  CHECK(source_excerpt("\tsite: pond", 2) == "\tsite: pond\n\t^\n");
}

TEST_CASE("a long line is cut around the column", "[config][excerpt]") {
  const std::string line = std::string(300, 'a') + "X" + std::string(300, 'b');
  const std::string shown = source_excerpt(line, 301);
  const auto newline = shown.find('\n');
  REQUIRE(newline != std::string::npos);
  const std::string text = shown.substr(0, newline);
  const std::string caret = shown.substr(newline + 1);
  CHECK(text.rfind("...", 0) == 0);
  CHECK(text.size() == 3 + 120);
  CHECK(text[caret.size() - 2] == 'X');  // caret is "<spaces>^\n"
}

TEST_CASE("control characters in the line do not reach the terminal", "[config][excerpt]") {
  CHECK(source_excerpt("id: a\x1b[2Jb", 5) == "id: a?[2Jb\n    ^\n");
}
