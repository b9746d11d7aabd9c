#include "rules/expression.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>
#include <string>

#include "config/units.h"

namespace farmgate::rules {

enum class Op {
  number, point, window, time_between, neg, not_, and_, or_, add, sub, mul, div,
  lt, le, gt, ge, eq, ne
};

struct Node {
  Op op = Op::number;
  double number = 0;
  std::string point;
  WindowFn fn = WindowFn::avg;
  Duration span{0};
  int from = 0, to = 0;  // time between, minutes since midnight
  std::shared_ptr<const Node> a, b;
  int depth = 1;  // of the tree below and including this node
};

// Parsing, eval and the tree's destruction all recurse, once per level: without a bound a
// long line of "((((" or "1+1+1..." overflows the stack of `farmgate check` or the daemon
// (tests/robustness/fuzz_regressions_test.cpp). Real rules are a few levels deep.
constexpr int kMaxDepth = 200;

std::optional<Duration> parse_duration(std::string_view t) {
  // One grammar for the config and the rules (config/units.h); the rules bound it to about
  // 30 years so that `now + duration` on the steady clock cannot overflow.
  const auto d = config::parse_duration(std::string(t));
  if (!d.ok() || d.value() > kMaxRuleDuration) return std::nullopt;
  return d.value();
}

std::optional<int> parse_hhmm(std::string_view t) {
  if (t.size() != 5 || t[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4})
    if (!std::isdigit(static_cast<unsigned char>(t[i]))) return std::nullopt;
  int h = (t[0] - '0') * 10 + (t[1] - '0'), m = (t[3] - '0') * 10 + (t[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

namespace {

struct Token {
  enum Kind { end, number, duration, clock, word, point, sym } kind = end;
  std::string text;
  int offset = 0;
};

// Thrown inside the parser only; parse() turns it into a ParseError.
struct Fail {
  int offset;
  std::string message;
};

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) { ++i; continue; }
    Token t;
    t.offset = static_cast<int>(i);
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && i + 1 < s.size() &&
                                                        std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      size_t j = i;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
      if (j < s.size() && s[j] == ':') {  // HH:MM
        size_t k = j + 1;
        while (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) ++k;
        t.kind = Token::clock;
        j = k;
      } else if (j < s.size() && ident_start(s[j])) {  // 10m
        while (j < s.size() && ident_char(s[j])) ++j;
        t.kind = Token::duration;
      } else {
        t.kind = Token::number;
      }
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else if (ident_start(c)) {
      size_t j = i;
      while (j < s.size() && ident_char(s[j])) ++j;
      t.kind = Token::word;
      if (j < s.size() && s[j] == '.') {
        size_t k = j + 1;
        if (k >= s.size() || !ident_start(s[k]))
          throw Fail{static_cast<int>(k), "expected a point name after '.'"};
        while (k < s.size() && ident_char(s[k])) ++k;
        t.kind = Token::point;
        j = k;
      }
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else {
      static const char* two[] = {"<=", ">=", "==", "!="};
      t.kind = Token::sym;
      t.text = std::string(1, c);
      for (const char* op : two)
        if (s.substr(i, 2) == op) t.text = op;
      if (t.text == "=" || t.text == "!")
        throw Fail{t.offset, "unexpected '" + t.text + "' (did you mean '" + t.text + "='?)"};
      if (t.text.size() == 1 && std::string_view("+-*/<>(),").find(c) == std::string_view::npos)
        throw Fail{t.offset, std::string("unexpected character '") + c + "'"};
      i += t.text.size();
    }
    out.push_back(std::move(t));
  }
  Token e;
  e.offset = static_cast<int>(s.size());
  out.push_back(e);
  return out;
}

std::string describe(const Token& t) {
  return t.kind == Token::end ? "end of expression" : "'" + t.text + "'";
}

}  // namespace

class Parser {
 public:
  Parser(std::string_view text, Expression& out) : toks_(tokenize(text)), out_(out) {}

  std::shared_ptr<const Node> parse_all(bool allow_for, std::optional<Duration>* hold) {
    auto root = parse_or();
    if (allow_for && is_word("for")) {
      next();
      const Token& d = next();
      auto dur = d.kind == Token::duration ? parse_duration(d.text) : std::nullopt;
      if (!dur) throw Fail{d.offset, "expected a duration after 'for' (like 2m), got " + describe(d)};
      if (hold) *hold = dur;
    }
    if (peek().kind != Token::end)
      throw Fail{peek().offset, "unexpected " + describe(peek()) +
                                    (is_word("for") ? " ('for' is not allowed here)" : "")};
    return root;
  }

 private:
  using P = std::shared_ptr<const Node>;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int nesting_ = 0;  // parse_* calls that recurse (not, unary minus, parentheses)
  struct Nest {      // counts one level for the scope of a recursive call
    explicit Nest(Parser& p) : p_(p) {
      if (++p_.nesting_ > kMaxDepth / 2)
        throw Fail{p_.peek().offset, "expression nested too deeply (more than " +
                                         std::to_string(kMaxDepth / 2) + " levels)"};
    }
    ~Nest() { --p_.nesting_; }
    Parser& p_;
  };
  Expression& out_;

  const Token& peek() const { return toks_[pos_]; }
  const Token& next() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }
  bool is_word(const char* w) const { return peek().kind == Token::word && peek().text == w; }
  bool is_sym(const char* s) const { return peek().kind == Token::sym && peek().text == s; }
  void expect_sym(const char* s) {
    if (!is_sym(s)) throw Fail{peek().offset, std::string("expected '") + s + "', got " + describe(peek())};
    next();
  }
  P make(Op op, P a = nullptr, P b = nullptr) {
    const int depth = 1 + std::max(a ? a->depth : 0, b ? b->depth : 0);
    if (depth > kMaxDepth)
      throw Fail{peek().offset, "expression too long: more than " + std::to_string(kMaxDepth) +
                                    " operations deep"};
    auto n = std::make_shared<Node>();
    n->depth = depth;
    n->op = op;
    n->a = std::move(a);
    n->b = std::move(b);
    return n;
  }

  P parse_or() {
    P l = parse_and();
    while (is_word("or")) { next(); l = make(Op::or_, l, parse_and()); }
    return l;
  }
  P parse_and() {
    P l = parse_not();
    while (is_word("and")) { next(); l = make(Op::and_, l, parse_not()); }
    return l;
  }
  P parse_not() {
    if (is_word("not")) {
      Nest nest(*this);
      next();
      return make(Op::not_, parse_not());
    }
    return parse_cmp();
  }
  P parse_cmp() {
    P l = parse_sum();
    static const std::pair<const char*, Op> ops[] = {{"<", Op::lt}, {"<=", Op::le}, {">", Op::gt},
                                                     {">=", Op::ge}, {"==", Op::eq}, {"!=", Op::ne}};
    for (const auto& [s, op] : ops)
      if (is_sym(s)) {
        next();
        P r = parse_sum();
        for (const auto& [s2, op2] : ops)
          if (is_sym(s2)) throw Fail{peek().offset, "comparisons do not chain: use 'and'"};
        return make(op, l, r);
      }
    return l;
  }
  P parse_sum() {
    P l = parse_prod();
    while (is_sym("+") || is_sym("-")) {
      Op op = next().text == "+" ? Op::add : Op::sub;
      l = make(op, l, parse_prod());
    }
    return l;
  }
  P parse_prod() {
    P l = parse_unary();
    while (is_sym("*") || is_sym("/")) {
      Op op = next().text == "*" ? Op::mul : Op::div;
      l = make(op, l, parse_unary());
    }
    return l;
  }
  P parse_unary() {
    if (is_sym("-")) {
      Nest nest(*this);
      next();
      return make(Op::neg, parse_unary());
    }
    return parse_primary();
  }
  P number(double v) {
    auto n = std::make_shared<Node>();
    n->number = v;
    return n;
  }
  P point_node(const Token& t) {
    auto n = std::make_shared<Node>();
    n->op = Op::point;
    n->point = t.text;
    out_.points_.push_back({t.text, t.offset});
    return n;
  }
  P parse_primary() {
    const Token& t = next();
    switch (t.kind) {
      case Token::number: {
        char* end = nullptr;
        double v = std::strtod(t.text.c_str(), &end);
        if (*end) throw Fail{t.offset, "malformed number '" + t.text + "'"};
        return number(v);
      }
      case Token::point: return point_node(t);
      case Token::sym:
        if (t.text == "(") {
          Nest nest(*this);
          P e = parse_or();
          expect_sym(")");
          return e;
        }
        break;
      case Token::word: {
        if (t.text == "on" || t.text == "true") return number(1);
        if (t.text == "off" || t.text == "false") return number(0);
        if (t.text == "avg" || t.text == "min" || t.text == "max" || t.text == "delta") return window(t);
        if (t.text == "time") return time_between();
        throw Fail{t.offset, "unknown name '" + t.text + "' (a point is written DEVICE.POINT)"};
      }
      case Token::duration:
        throw Fail{t.offset, "a duration ('" + t.text + "') is only allowed inside avg/min/max/delta"};
      case Token::clock:
        throw Fail{t.offset, "a time of day is only allowed in 'time between HH:MM and HH:MM'"};
      case Token::end: break;
    }
    throw Fail{t.offset, "expected a value, got " + describe(t)};
  }
  P window(const Token& fn_tok) {
    expect_sym("(");
    const Token& p = next();
    if (p.kind != Token::point) throw Fail{p.offset, "expected a point (DEVICE.POINT), got " + describe(p)};
    P pn = point_node(p);
    expect_sym(",");
    const Token& d = next();
    auto dur = d.kind == Token::duration ? parse_duration(d.text) : std::nullopt;
    if (!dur || dur->count() <= 0)
      throw Fail{d.offset, "expected a duration (like 10m), got " + describe(d)};
    expect_sym(")");
    auto n = std::make_shared<Node>(*pn);
    n->op = Op::window;
    n->fn = fn_tok.text == "avg" ? WindowFn::avg
            : fn_tok.text == "min" ? WindowFn::min
            : fn_tok.text == "max" ? WindowFn::max : WindowFn::delta;
    n->span = *dur;
    if (*dur > out_.longest_window_) out_.longest_window_ = *dur;
    return n;
  }
  int clock_time() {
    const Token& t = next();
    auto m = t.kind == Token::clock ? parse_hhmm(t.text) : std::nullopt;
    if (!m) throw Fail{t.offset, "expected a time of day HH:MM (00:00..23:59), got " + describe(t)};
    return *m;
  }
  P time_between() {
    if (!is_word("between")) throw Fail{peek().offset, "expected 'between' after 'time'"};
    next();
    auto n = std::make_shared<Node>();
    n->op = Op::time_between;
    n->from = clock_time();
    if (!is_word("and")) throw Fail{peek().offset, "expected 'and' in 'time between HH:MM and HH:MM'"};
    next();
    n->to = clock_time();
    out_.uses_time_ = true;
    return n;
  }
};

Expression Expression::parse(std::string_view text, std::optional<ParseError>* error, bool allow_for,
                             std::optional<Duration>* hold) {
  Expression e;
  e.text_ = std::string(text);
  if (hold) hold->reset();
  try {
    Parser p(text, e);
    e.root_ = p.parse_all(allow_for, hold);
    if (error) error->reset();
  } catch (const Fail& f) {
    e.root_ = nullptr;
    if (error) *error = ParseError{f.offset, f.message};
  }
  return e;
}

namespace {

int rank(Value::Kind k) {
  switch (k) {
    case Value::Kind::unknown: return 3;
    case Value::Kind::pending: return 2;
    case Value::Kind::no_clock: return 1;
    case Value::Kind::known: return 0;
  }
  return 3;
}

// The unknown that wins when both operands are not known (or the one that is not).
Value worse(Value a, Value b) { return rank(a.kind) >= rank(b.kind) ? Value{a.kind, 0} : Value{b.kind, 0}; }

Value eval_node(const Node& n, const EvalContext& ctx) {
  switch (n.op) {
    case Op::number: return Value::of(n.number);
    case Op::point: return ctx.point(n.point);
    case Op::window: return ctx.window(n.fn, n.point, n.span);
    case Op::time_between: {
      auto m = ctx.local_minute();
      if (!m) return {Value::Kind::no_clock, 0};
      // [from, to): wraps midnight when to < from; equal bounds mean never.
      bool in = n.from <= n.to ? (*m >= n.from && *m < n.to) : (*m >= n.from || *m < n.to);
      return Value::boolean(in);
    }
    case Op::neg: {
      Value a = eval_node(*n.a, ctx);
      return a.known() ? Value::of(-a.number) : a;
    }
    case Op::not_: {
      Value a = eval_node(*n.a, ctx);
      return a.known() ? Value::boolean(a.number == 0) : a;
    }
    case Op::and_: {
      Value a = eval_node(*n.a, ctx), b = eval_node(*n.b, ctx);
      if (a.is_false() || b.is_false()) return Value::boolean(false);
      if (a.known() && b.known()) return Value::boolean(true);
      return worse(a, b);
    }
    case Op::or_: {
      Value a = eval_node(*n.a, ctx), b = eval_node(*n.b, ctx);
      if (a.is_true() || b.is_true()) return Value::boolean(true);
      if (a.known() && b.known()) return Value::boolean(false);
      return worse(a, b);
    }
    default: break;
  }
  Value a = eval_node(*n.a, ctx), b = eval_node(*n.b, ctx);
  if (!a.known() || !b.known()) return worse(a, b);
  double x = a.number, y = b.number;
  switch (n.op) {
    case Op::add: return Value::of(x + y);
    case Op::sub: return Value::of(x - y);
    case Op::mul: return Value::of(x * y);
    case Op::div: return y == 0 ? Value{} : Value::of(x / y);
    case Op::lt: return Value::boolean(x < y);
    case Op::le: return Value::boolean(x <= y);
    case Op::gt: return Value::boolean(x > y);
    case Op::ge: return Value::boolean(x >= y);
    case Op::eq: return Value::boolean(x == y);
    case Op::ne: return Value::boolean(x != y);
    default: return Value{};
  }
}

}  // namespace

Value Expression::eval(const EvalContext& ctx) const {
  if (!root_) return Value{};
  return eval_node(*root_, ctx);
}

}  // namespace farmgate::rules
