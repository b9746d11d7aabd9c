// Rule expressions (spec §4): the parser (recursive descent), the tree and its evaluation.
//
//   expr    := or ;  or := and ("or" and)* ;  and := not ("and" not)* ;  not := "not" not | cmp
//   cmp     := sum (("<"|"<="|">"|">="|"=="|"!=") sum)?
//   sum     := prod (("+"|"-") prod)* ;  prod := unary (("*"|"/") unary)* ;  unary := "-" unary | primary
//   primary := NUMBER | on | off | true | false | DEVICE.POINT | "(" expr ")"
//            | (avg|min|max|delta) "(" DEVICE.POINT "," DURATION ")"
//            | "time" "between" HH:MM "and" HH:MM
//
// Evaluation is three-valued: a value is known (a number; booleans are 1/0) or one of three
// kinds of unknown, which the engine treats differently:
//   unknown   a stale/bad point or a window without enough good data -> the rule's failsafe
//   pending   a point with no reading yet since start, not yet stale, -> the actuator holds
//             or a window short of history only because of the start (point_state.h)
//   no_clock  `time between` while the wall clock is not plausible    -> the rule does not fire
// `false and X` is false and `true or X` is true whatever X is; every other operation with an
// unknown operand is unknown. When two unknowns meet, unknown > pending > no_clock.
// Division by zero is unknown. Expressions are immutable and cheap to copy (shared tree).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"

namespace farmgate::rules {

struct Value {
  enum class Kind { known, unknown, pending, no_clock };
  Kind kind = Kind::unknown;
  double number = 0;

  static Value of(double v) { return {Kind::known, v}; }
  static Value boolean(bool b) { return {Kind::known, b ? 1.0 : 0.0}; }
  bool known() const { return kind == Kind::known; }
  bool is_true() const { return known() && number != 0; }
  bool is_false() const { return known() && number == 0; }
};

enum class WindowFn { avg, min, max, delta };

// What an expression reads while it is evaluated; the engine implements it over point_state.
class EvalContext {
 public:
  virtual ~EvalContext() = default;
  virtual Value point(const std::string& id) const = 0;
  virtual Value window(WindowFn fn, const std::string& id, Duration span) const = 0;
  // Minutes since local midnight (0..1439); nullopt while the wall clock is not plausible.
  virtual std::optional<int> local_minute() const = 0;
};

// A point id as written, with its 0-based offset in the expression text (for diagnostics).
struct PointRef {
  std::string id;
  int offset = 0;
};

struct ParseError {
  int offset = 0;        // 0-based offset in the text: where the caret goes
  std::string message;
};

struct Node;

class Expression {
 public:
  // Parses a whole expression. With `allow_for`, a trailing `for DURATION` is accepted and
  // returned in *hold (the `when: X for 2m` form).
  static Expression parse(std::string_view text, std::optional<ParseError>* error,
                          bool allow_for = false, std::optional<Duration>* hold = nullptr);

  Value eval(const EvalContext& ctx) const;
  const std::string& text() const { return text_; }
  const std::vector<PointRef>& points() const { return points_; }  // every point read
  Duration longest_window() const { return longest_window_; }
  bool uses_time() const { return uses_time_; }
  bool valid() const { return root_ != nullptr; }

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
  std::vector<PointRef> points_;
  Duration longest_window_{0};
  bool uses_time_ = false;
  friend class Parser;
};

// The longest duration a rule may name (`for`, a window, min_on...): about 30 years.
inline constexpr Duration kMaxRuleDuration{30LL * 365 * 24 * 3600 * 1000};
// config::parse_duration's grammar ("250ms" "10s" "5m" "2h" "1d", a bare "0"), at most
// kMaxRuleDuration; nullopt otherwise (config::parse_duration says why).
std::optional<Duration> parse_duration(std::string_view text);
// "HH:MM" (00:00..23:59) -> minutes since midnight; nullopt otherwise.
std::optional<int> parse_hhmm(std::string_view text);

}  // namespace farmgate::rules
