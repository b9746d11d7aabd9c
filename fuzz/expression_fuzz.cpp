// rules::Expression::parse on any text, with and without the `for DURATION` form, then
// eval of what parsed against a context whose values come from the input: no crash, no
// hang, an error with an offset inside the text whenever the parse fails.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rules/expression.h"

namespace {

using farmgate::Duration;
using farmgate::rules::EvalContext;
using farmgate::rules::Expression;
using farmgate::rules::ParseError;
using farmgate::rules::Value;
using farmgate::rules::WindowFn;

// Values derived from the text, so a single input covers known, unknown and pending.
class Context : public EvalContext {
 public:
  explicit Context(std::size_t seed) : seed_(seed) {}
  Value point(const std::string& id) const override { return pick(id.size()); }
  Value window(WindowFn fn, const std::string& id, Duration) const override {
    return pick(id.size() + static_cast<std::size_t>(fn));
  }
  std::optional<int> local_minute() const override {
    if (seed_ % 5 == 0) return std::nullopt;
    return static_cast<int>(seed_ % 1440);
  }

 private:
  Value pick(std::size_t k) const {
    switch ((seed_ + k) % 4) {
      case 0: return Value{Value::Kind::unknown, 0};
      case 1: return Value{Value::Kind::pending, 0};
      case 2: return Value::of(0);
      default: return Value::of(static_cast<double>(seed_ + k) - 7.5);
    }
  }
  std::size_t seed_;
};

void check(std::string_view text, bool allow_for) {
  std::optional<ParseError> error;
  std::optional<Duration> hold;
  Expression e = Expression::parse(text, &error, allow_for, allow_for ? &hold : nullptr);
  if (e.valid() == error.has_value()) __builtin_trap();
  if (error && (error->offset < 0 || static_cast<std::size_t>(error->offset) > text.size()))
    __builtin_trap();
  if (e.valid()) e.eval(Context(text.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check(text, false);
  check(text, true);
  return 0;
}
