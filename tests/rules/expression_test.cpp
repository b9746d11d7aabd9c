#include <map>

#include <catch2/catch.hpp>

#include "rules/expression.h"

using namespace farmgate;
using namespace farmgate::rules;

namespace {

// A fixed world: point values by id (absent = unknown), a local minute (absent = no clock).
struct World : EvalContext {
  std::map<std::string, Value> points;
  std::optional<int> minute = 12 * 60;
  Value point(const std::string& id) const override {
    auto it = points.find(id);
    return it == points.end() ? Value{} : it->second;
  }
  Value window(WindowFn fn, const std::string& id, Duration span) const override {
    // Encodes the call so tests can check which window was asked for.
    return Value::of(static_cast<int>(fn) * 1000 + span.count() / 60000 + (id == "a.x" ? 0.5 : 0));
  }
  std::optional<int> local_minute() const override { return minute; }
};

Value eval(const std::string& text, const World& w) {
  std::optional<ParseError> err;
  auto e = Expression::parse(text, &err);
  INFO(text << " -> " << (err ? err->message : ""));
  REQUIRE_FALSE(err);
  return e.eval(w);
}

double num(const std::string& text, const World& w = World{}) {
  Value v = eval(text, w);
  REQUIRE(v.known());
  return v.number;
}

ParseError error_of(const std::string& text) {
  std::optional<ParseError> err;
  Expression::parse(text, &err);
  REQUIRE(err);
  return *err;
}

}  // namespace

TEST_CASE("arithmetic follows the usual precedence", "[expression]") {
  CHECK(num("1 + 2 * 3") == 7);
  CHECK(num("(1 + 2) * 3") == 9);
  CHECK(num("10 - 4 - 3") == 3);
  CHECK(num("8 / 4 / 2") == 1);
  CHECK(num("-2 * -3") == 6);
  CHECK(num("1 + 2 < 4") == 1);
  CHECK(num("not 1 > 2 and 3 >= 3") == 1);
  CHECK(num("true or false and false") == 1);  // and binds tighter than or
  CHECK(num("on == true") == 1);
  CHECK(num("off != false") == 0);
}

TEST_CASE("point values are read by id", "[expression]") {
  World w;
  w.points["pond1_do.do"] = Value::of(3.5);
  CHECK(num("pond1_do.do < 4.0", w) == 1);
  CHECK(num("pond1_do.do * 2", w) == 7);
}

TEST_CASE("unknown follows three-valued logic", "[expression]") {
  World w;
  w.points["a.ok"] = Value::of(1);
  // a.gone is absent: unknown
  CHECK(num("false and a.gone > 1", w) == 0);
  CHECK(num("a.gone > 1 and false", w) == 0);
  CHECK(num("true or a.gone > 1", w) == 1);
  CHECK(num("a.gone > 1 or a.ok == 1", w) == 1);
  CHECK(eval("true and a.gone > 1", w).kind == Value::Kind::unknown);
  CHECK(eval("false or a.gone > 1", w).kind == Value::Kind::unknown);
  CHECK(eval("not a.gone", w).kind == Value::Kind::unknown);
  CHECK(eval("a.gone + 1 > 0", w).kind == Value::Kind::unknown);
  CHECK(eval("1 / 0", w).kind == Value::Kind::unknown);
}

TEST_CASE("a stale point outweighs a pending one, which outweighs an unset clock", "[expression]") {
  World w;
  w.minute.reset();
  w.points["a.pend"] = Value{Value::Kind::pending, 0};
  CHECK(eval("a.pend > 1 and time between 01:00 and 02:00", w).kind == Value::Kind::pending);
  CHECK(eval("a.gone > 1 or a.pend > 1", w).kind == Value::Kind::unknown);
  CHECK(eval("time between 01:00 and 02:00", w).kind == Value::Kind::no_clock);
  CHECK(num("false and time between 01:00 and 02:00", w) == 0);
}

TEST_CASE("time between wraps midnight", "[expression]") {
  World w;
  auto at = [&](int h, int m) { w.minute = h * 60 + m; return num("time between 22:00 and 06:00", w); };
  CHECK(at(23, 0) == 1);
  CHECK(at(0, 0) == 1);
  CHECK(at(5, 59) == 1);
  CHECK(at(6, 0) == 0);
  CHECK(at(21, 59) == 0);
  CHECK(at(22, 0) == 1);
  w.minute = 12 * 60;
  CHECK(num("time between 06:00 and 18:00", w) == 1);
  w.minute = 18 * 60;
  CHECK(num("time between 06:00 and 18:00", w) == 0);
}

TEST_CASE("window functions pass their point and span", "[expression]") {
  std::optional<ParseError> err;
  auto e = Expression::parse("avg(a.x, 10m) > 1 and delta(b.y, 2h) < 0", &err);
  REQUIRE_FALSE(err);
  CHECK(e.longest_window() == Duration(2 * 3600 * 1000));
  REQUIRE(e.points().size() == 2);
  CHECK(e.points()[0].id == "a.x");
  CHECK(e.points()[1].offset == 28);
  CHECK(num("avg(a.x, 10m)") == 10.5);
  CHECK(num("max(b.y, 30m)") == 2030);
  CHECK(num("delta(b.y, 1h)") == 3060);
}

TEST_CASE("the trailing for of a condition is split off", "[expression]") {
  std::optional<ParseError> err;
  std::optional<Duration> hold;
  auto e = Expression::parse("pond1_do.do < 4.0 for 2m", &err, true, &hold);
  REQUIRE_FALSE(err);
  CHECK(hold == Duration(120000));
  Expression::parse("pond1_do.do < 4.0 for 2m", &err);
  REQUIRE(err);
  CHECK(err->offset == 18);
}

TEST_CASE("parse errors carry the column of the culprit", "[expression]") {
  CHECK(error_of("a.b < ").offset == 6);
  CHECK(error_of("a.b < 4 )").offset == 8);
  CHECK(error_of("(a.b < 4").offset == 8);
  CHECK(error_of("a.b = 4").offset == 4);
  CHECK(error_of("a.b < 4 and foo").offset == 12);
  CHECK(error_of("avg(a.b, 10x) > 1").offset == 9);
  CHECK(error_of("time between 25:00 and 06:00").offset == 13);
  CHECK(error_of("a.b $ 2").offset == 4);
  CHECK(error_of("1 < 2 < 3").offset == 6);
}

TEST_CASE("durations and clock times parse strictly", "[expression]") {
  CHECK(parse_duration("250ms") == Duration(250));
  CHECK(parse_duration("90s") == Duration(90000));
  CHECK(parse_duration("1d") == Duration(86400000));
  CHECK_FALSE(parse_duration("5"));
  CHECK_FALSE(parse_duration("5 m"));
  CHECK_FALSE(parse_duration("m"));
  CHECK(parse_hhmm("07:30") == 450);
  CHECK_FALSE(parse_hhmm("7:30"));
  CHECK_FALSE(parse_hhmm("24:00"));
}
