// rules::parse_rule_text on any text against the spec's example config: rules or
// positioned diagnostics, never a crash, a hang or an escaping exception.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_config.h"
#include "rules/rule_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& config = farmgate::fuzz::example_config();
  std::string text(reinterpret_cast<const char*>(data), size);
  auto r = farmgate::rules::parse_rule_text(text, "fuzz.yaml", config);
  if (r.rules.has_value() == r.diagnostics.has_errors()) __builtin_trap();
  return 0;
}
