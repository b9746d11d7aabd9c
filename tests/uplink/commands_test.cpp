#include "uplink/commands.h"

#include <catch2/catch.hpp>

#include "tests/uplink/fixtures.h"

using namespace farmgate;
using namespace farmgate::uplink;

namespace {

const config::Config& cfg() {
  static const config::Config c = test::uplink_config("", "unused.db");
  return c;
}

struct RefusalCase {
  const char* name;
  std::string payload;
  std::string error;  // the exact reason
  std::string echoed_id;
};

}  // namespace

TEST_CASE("every refusal reason of the cmd topic gives a clear error", "[commands]") {
  const std::string big = R"({"id":"c-big","op":"status","pad":")" + std::string(5000, 'x') + "\"}";
  // Same keys in two different objects are fine.
  REQUIRE(std::holds_alternative<Command>(
      parse_command(R"({"id":"c-0","op":"status","a":{"id":1},"b":{"id":2}})", cfg())));
  const RefusalCase cases[] = {
      {"malformed JSON", R"({"id":"c-1","op":)", "malformed JSON", ""},
      {"not an object", R"(["set"])", "a command must be a JSON object", ""},
      {"missing id", R"({"op":"status"})", "`id` is missing", ""},
      {"id not a string", R"({"id":17,"op":"status"})", "`id` must be a non-empty string", ""},
      {"missing op", R"({"id":"c-2"})", "`op` is missing", "c-2"},
      {"unknown op", R"({"id":"c-3","op":"reboot"})",
       "unknown op (expected set, release, read or status)", "c-3"},
      {"missing point", R"({"id":"c-4","op":"read"})", "`point` is missing", "c-4"},
      {"unknown point", R"({"id":"c-5","op":"read","point":"pond9.do"})", "unknown point pond9.do",
       "c-5"},
      {"non-writable point (set)",
       R"({"id":"c-18","op":"set","point":"pond1_do.do","value":5,"hold":"30m"})",
       "pond1_do.do is not writable", "c-18"},
      {"non-writable point (release)", R"({"id":"c-6","op":"release","point":"pond1_do.do"})",
       "pond1_do.do is not writable", "c-6"},
      {"number for a bool point",
       R"({"id":"c-7","op":"set","point":"pond1_relay.aerator","value":1,"hold":"30m"})",
       "pond1_relay.aerator is a bool point: `value` must be true or false", "c-7"},
      {"bool for a numeric point",
       R"({"id":"c-8","op":"set","point":"pond1_relay.setpoint","value":true,"hold":"30m"})",
       "pond1_relay.setpoint is a numeric point: `value` must be a number", "c-8"},
      {"string value",
       R"({"id":"c-9","op":"set","point":"pond1_relay.aerator","value":"on","hold":"1m"})",
       "pond1_relay.aerator is a bool point: `value` must be true or false", "c-9"},
      {"missing value", R"({"id":"c-10","op":"set","point":"pond1_relay.aerator","hold":"1m"})",
       "`value` is missing", "c-10"},
      {"hold missing", R"({"id":"c-11","op":"set","point":"pond1_relay.aerator","value":true})",
       "`hold` is missing (a duration such as \"30m\")", "c-11"},
      {"hold over 24h",
       R"({"id":"c-12","op":"set","point":"pond1_relay.aerator","value":true,"hold":"25h"})",
       "`hold` is over 24h", "c-12"},
      {"hold zero",
       R"({"id":"c-13","op":"set","point":"pond1_relay.aerator","value":true,"hold":"0"})",
       "`hold` must be longer than 0", "c-13"},
      {"hold a number",
       R"({"id":"c-14","op":"set","point":"pond1_relay.aerator","value":true,"hold":30})",
       "`hold` must be a duration string such as \"30m\"", "c-14"},
      // Never read: not even its id is echoed.
      {"payload over 4 KiB", big,
       "payload is " + std::to_string(big.size()) + " bytes, over the limit of 4096", ""},
      {"a key twice: the last value would silently win",
       R"({"id":"c-15","op":"set","point":"pond1_relay.aerator","value":false,"value":true,"hold":"1m"})",
       "duplicate key \"value\": a key may appear once in an object", "c-15"},
      {"a key twice in a nested object",
       R"({"id":"c-16","op":"status","x":{"a":1,"a":2}})",
       "duplicate key \"a\": a key may appear once in an object", "c-16"},
      {"the id twice: neither is echoed", R"({"id":"c-a","id":"c-b","op":"status"})",
       "duplicate key \"id\": a key may appear once in an object", ""},
      {"a duplicate key with control characters is escaped in the answer",
       "{\"id\":\"c-17\",\"op\":\"status\",\"k\\n<2>\":1,\"k\\n<2>\":2}",
       "duplicate key \"k\\n<2>\": a key may appear once in an object", "c-17"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto r = parse_command(c.payload, cfg());
      REQUIRE(std::holds_alternative<Refusal>(r));
      const auto& refusal = std::get<Refusal>(r);
      CHECK(refusal.error == c.error);
      CHECK(refusal.id == c.echoed_id);
      auto result = nlohmann::json::parse(refusal_payload(refusal));
      CHECK(result["ok"] == false);
      CHECK(result["error"] == c.error);
      CHECK(result.contains("id") == !c.echoed_id.empty());
    }
  }
}

TEST_CASE("a malformed hold duration is refused with the duration parser's reason", "[commands]") {
  auto r = parse_command(
      R"({"id":"c-1","op":"set","point":"pond1_relay.aerator","value":true,"hold":"30 minutes"})",
      cfg());
  REQUIRE(std::holds_alternative<Refusal>(r));
  CHECK(std::get<Refusal>(r).error.rfind("`hold`: ", 0) == 0);
}

TEST_CASE("valid commands parse into what the daemon executes", "[commands]") {
  SECTION("set a bool point with a hold") {
    auto r = parse_command(
        R"({"id":"c-17","op":"set","point":"pond1_relay.aerator","value":true,"hold":"30m"})",
        cfg());
    REQUIRE(std::holds_alternative<Command>(r));
    const auto& c = std::get<Command>(r);
    CHECK(c.id == "c-17");
    CHECK(c.op == Op::set);
    CHECK(c.point == "pond1_relay.aerator");
    CHECK(c.boolean);
    CHECK(c.value == 1);
    CHECK(c.hold == std::chrono::minutes(30));
  }
  SECTION("set a numeric point, hold of exactly 24h") {
    auto r = parse_command(
        R"({"id":"c-20","op":"set","point":"pond1_relay.setpoint","value":12.5,"hold":"24h"})",
        cfg());
    REQUIRE(std::holds_alternative<Command>(r));
    CHECK(std::get<Command>(r).value == 12.5);
    CHECK_FALSE(std::get<Command>(r).boolean);
    CHECK(std::get<Command>(r).hold == std::chrono::hours(24));
  }
  SECTION("release needs no hold, read works on a read-only point, status needs no point") {
    auto rel =
        parse_command(R"({"id":"c-21","op":"release","point":"pond1_relay.aerator"})", cfg());
    REQUIRE(std::holds_alternative<Command>(rel));
    CHECK(std::get<Command>(rel).op == Op::release);
    auto read = parse_command(R"({"id":"c-22","op":"read","point":"pond1_do.do"})", cfg());
    REQUIRE(std::holds_alternative<Command>(read));
    CHECK(std::get<Command>(read).op == Op::read);
    auto st = parse_command(R"({"id":"c-23","op":"status"})", cfg());
    REQUIRE(std::holds_alternative<Command>(st));
    CHECK(std::get<Command>(st).point.empty());
  }
  SECTION("a payload of exactly 4 KiB is accepted") {
    std::string p = R"({"id":"c-24","op":"status","pad":")";
    p += std::string(4096 - p.size() - 2, 'x') + "\"}";
    REQUIRE(p.size() == 4096);
    CHECK(std::holds_alternative<Command>(parse_command(p, cfg())));
  }
}

TEST_CASE("results and command events are the spec's shapes", "[commands]") {
  CHECK(result_payload("c-17", Outcome{}) == R"({"id":"c-17","ok":true})");
  CHECK(result_payload("c-18", Outcome{false, "pond1_do.do is not writable", nullptr}) ==
        R"({"id":"c-18","ok":false,"error":"pond1_do.do is not writable"})");
  CHECK(result_payload("c-19", Outcome{true, "", {{"value", 5.62}}}) ==
        R"({"id":"c-19","ok":true,"value":5.62})");
  Command c;
  c.id = "c-17";
  c.op = Op::set;
  c.point = "pond1_relay.aerator";
  Event ok = command_event(100, c, Outcome{});
  CHECK(ok.type == "command");
  CHECK(ok.fields ==
        nlohmann::json{
            {"id", "c-17"}, {"op", "set"}, {"point", "pond1_relay.aerator"}, {"ok", true}});
  Event refused = refusal_event(101, Refusal{"c-3", "", "", "unknown op"});
  CHECK(refused.fields == nlohmann::json{{"id", "c-3"}, {"ok", false}, {"error", "unknown op"}});
}
