// uplink::parse_command on any payload against the spec's example config, then the answer
// and the event built from the outcome: no crash; a command that passes names an existing
// point (writable for set/release) and a hold in (0, 24h]; every answer is valid JSON.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "fuzz/fuzz_config.h"
#include "uplink/commands.h"

using namespace farmgate::uplink;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& config = farmgate::fuzz::example_config();
  std::string payload(reinterpret_cast<const char*>(data), size);
  ParseResult r = parse_command(payload, config);
  std::string answer;
  if (auto* refusal = std::get_if<Refusal>(&r)) {
    if (refusal->error.empty()) __builtin_trap();
    answer = refusal_payload(*refusal);
    refusal_event(0, *refusal);
  } else {
    const Command& c = std::get<Command>(r);
    if (c.id.empty()) __builtin_trap();
    if (c.op != Op::status) {
      const auto* p = config.find_point(c.point);
      if (!p) __builtin_trap();
      if ((c.op == Op::set || c.op == Op::release) && !p->writable) __builtin_trap();
    }
    if (c.op == Op::set && (c.hold <= farmgate::Duration(0) || c.hold > farmgate::kMaxHold))
      __builtin_trap();
    answer = result_payload(c.id, Outcome{true, "", nullptr});
    command_event(0, c, Outcome{false, "x", nullptr});
  }
  if (nlohmann::json::parse(answer, nullptr, false).is_discarded()) __builtin_trap();
  return 0;
}
