// The `cmd` topic (spec §5): parsing and validating a command, and the JSON of its answer on
// `cmd/result` and of its `command` event. Pure functions, no I/O; executing a command is
// the daemon's (the rules engine's arbiter) job.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "common/clock.h"
#include "common/event.h"
#include "common/hold_limit.h"
#include "config/config.h"

namespace farmgate::uplink {

enum class Op { set, release, read, status };
const char* to_string(Op op);

constexpr std::size_t kMaxCommandBytes = 4096;

// A command that passed every check: the point exists (and is writable for set/release),
// the value has the point's type, the hold is in (0, 24h].
struct Command {
  std::string id;
  Op op = Op::status;
  std::string point;     // set, release, read; "" for status
  double value = 0;      // set: the value to hold (a bool point's: 0 or 1)
  bool boolean = false;  // set: the point is a bool
  Duration hold{0};      // set: how long the manual override lasts
};

// A refused command: why, plus what could be read of it so the answer and the event can
// echo it (id, op, point are empty when they could not be read).
struct Refusal {
  std::string id, op, point;
  std::string error;
};

using ParseResult = std::variant<Command, Refusal>;

// Checks, in order: size (over kMaxCommandBytes: refused unread, no id echoed), JSON syntax,
// an object, a key twice in one object (at any depth; refused, the key named), `id` (a
// non-empty string), `op`, `point` (set/release/read: present, existing; set/release:
// writable), `value` (set: bool for a bool point, a number otherwise, inside the point's
// `valid` range when it has one), `hold` (set: a duration such as "30m", more than 0 and at
// most kMaxHold).
ParseResult parse_command(const std::string& payload, const config::Config& config);
// json::parse that also reports the first key written twice in one object, at any depth
// ("" when none): nlohmann keeps the last value silently. Discarded JSON when malformed.
nlohmann::json parse_noting_duplicates(const std::string& payload, std::string* duplicate);
// The refusal of a payload of `bytes` over kMaxCommandBytes, which is never read.
std::string oversized_error(std::size_t bytes);

// The outcome of a command as the daemon reports it.
struct Outcome {
  bool ok = true;
  std::string error;     // when !ok
  nlohmann::json extra;  // extra keys for the result (e.g. `value` of a read); object or null
};

// `cmd/result`: {"id":…,"ok":true,...extra} or {"id":…,"ok":false,"error":"…"}; `id` left out
// when it could not be read.
std::string result_payload(const std::string& id, const Outcome& outcome);
std::string refusal_payload(const Refusal& r);

// The `command` event: {id, op, point, ok, error}, keys with no value left out.
Event command_event(std::int64_t ts_ms, const Command& c, const Outcome& outcome);
Event refusal_event(std::int64_t ts_ms, const Refusal& r);

}  // namespace farmgate::uplink
