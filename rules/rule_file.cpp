#include "rules/rule_file.h"

#include <map>

#include <yaml-cpp/yaml.h>

#include "config/file_read.h"
#include "config/suggest.h"
#include "config/units.h"
#include "config/yaml_syntax.h"
#include "rules/yaml_position.h"

namespace farmgate::rules {

const char* to_string(Severity s) {
  switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::critical: return "critical";
  }
  return "?";
}

namespace {

using config::SourcePos;

// Names already declared, shared by every file of one load.
struct Seen {
  std::map<std::string, SourcePos> rules, alarms, actuators;
};

// " (did you mean 'priority'?)" for a likely typo, else the keys that are allowed there.
std::string expected_keys(const std::string& key, const std::vector<std::string>& allowed) {
  const std::string typo = config::did_you_mean(key, allowed);
  if (!typo.empty()) return typo;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  return " (expected " + list + ")";
}

std::string where(const SourcePos& p) { return p.file + ":" + std::to_string(p.line); }

class FileParser {
 public:
  FileParser(const SourceText& src, const config::Config& cfg, config::Diagnostics& d, Seen& seen,
             RuleSet& out)
      : src_(src), cfg_(cfg), d_(d), seen_(seen), out_(out) {}

  void top(const YAML::Node& root) {
    if (!root || root.IsNull()) return;
    if (!root.IsMap()) return error(root, "a rule file is a map with `rules:`, `actuators:`, `alarms:`");
    for (const auto& kv : root) {
      const std::string key = kv.first.Scalar();
      if (key == "rules") each(kv.second, "rules", [&](const YAML::Node& n) { rule(n); });
      else if (key == "alarms") each(kv.second, "alarms", [&](const YAML::Node& n) { alarm(n); });
      else if (key == "actuators") actuators(kv.second);
      else error(kv.first, "unknown key '" + key + "'" + expected_keys(key, {"rules", "actuators", "alarms"}));
    }
  }

 private:
  const SourceText& src_;
  const config::Config& cfg_;
  config::Diagnostics& d_;
  Seen& seen_;
  RuleSet& out_;

  // Where a node starts (for a quoted scalar: its quote).
  SourcePos pos(const YAML::Node& n) const {
    return {src_.file(), n.Mark().line + 1, n.Mark().column + 1};
  }
  void error(const YAML::Node& n, const std::string& msg) { d_.error(pos(n), msg); }
  // A character inside a scalar's value (an expression error, a placeholder).
  void error_inside(const YAML::Node& n, int offset, const std::string& msg) {
    d_.error(src_.at(n.Mark().line, n.Mark().column, offset), msg);
  }

  template <typename F>
  void each(const YAML::Node& seq, const char* what, F f) {
    if (seq.IsNull()) return;
    if (!seq.IsSequence()) return error(seq, std::string("`") + what + "` is a list (items start with '- ')");
    for (const auto& n : seq) f(n);
  }

  // Reports keys outside `allowed`; returns the map's entries by key (first of each).
  std::map<std::string, std::pair<YAML::Node, YAML::Node>> keys(const YAML::Node& map, const char* what,
                                                                const std::vector<std::string>& allowed) {
    std::map<std::string, std::pair<YAML::Node, YAML::Node>> out;
    for (const auto& kv : map) {
      const std::string k = kv.first.Scalar();
      bool ok = false;
      for (const auto& a : allowed) ok = ok || a == k;
      if (!ok) {
        error(kv.first, "unknown key '" + k + "' in " + what + expected_keys(k, allowed));
      } else if (out.count(k)) {
        error(kv.first, "'" + k + "' given twice");
      } else {
        out[k] = {kv.first, kv.second};
      }
    }
    return out;
  }

  bool scalar(const YAML::Node& n, const std::string& what) {
    if (n.IsScalar()) return true;
    error(n, what + " must be a single value");
    return false;
  }

  std::optional<Expression> expression(const YAML::Node& n, const std::string& what, bool allow_for = false,
                                       std::optional<Duration>* hold = nullptr) {
    if (!scalar(n, what)) return std::nullopt;
    std::optional<ParseError> err;
    Expression e = Expression::parse(n.Scalar(), &err, allow_for, hold);
    if (err) {
      error_inside(n, err->offset, "in `" + what + "`: " + err->message);
      return std::nullopt;
    }
    bool ok = true;
    for (const auto& p : e.points())
      if (!cfg_.find_point(p.id)) {
        error_inside(n, p.offset, "unknown point '" + p.id + "'");
        ok = false;
      }
    if (!ok) return std::nullopt;
    return e;
  }

  std::optional<Duration> duration(const YAML::Node& n, const std::string& what) {
    if (!scalar(n, what)) return std::nullopt;
    // The config's grammar (config/units.h), so a duration reads the same in both files.
    auto d = rules::parse_duration(n.Scalar());
    if (d) return d;
    const auto why = config::parse_duration(n.Scalar());
    error(n, what + ": " + (why.ok() ? "'" + n.Scalar() + "' is too long" : why.error()));
    return std::nullopt;
  }

  std::string name(const YAML::Node& n, std::map<std::string, SourcePos>& seen, const char* what) {
    if (!scalar(n, "name") || n.Scalar().empty()) {
      if (n.IsScalar()) error(n, "`name` is empty");
      return "";
    }
    auto [it, fresh] = seen.emplace(n.Scalar(), pos(n));
    if (!fresh) error(n, std::string("duplicate ") + what + " name '" + n.Scalar() + "' (first at " + where(it->second) + ")");
    return n.Scalar();
  }

  // A writable point, checked; returns nullptr (after an error) otherwise.
  const config::Point* writable(const YAML::Node& n, const std::string& id) {
    const config::Point* p = cfg_.find_point(id);
    if (!p) error(n, "unknown point '" + id + "'");
    else if (!p->writable) error(n, "'" + id + "' is not writable");
    return p && p->writable ? p : nullptr;
  }

  void set_actions(const YAML::Node& n, Rule& r) {
    if (!n.IsMap() || n.size() == 0) return error(n, "`set` is a map of point: value, like { pond1_relay.aerator: on }");
    for (const auto& kv : n) {
      const config::Point* p = writable(kv.first, kv.first.Scalar());
      if (!p || !scalar(kv.second, "a `set` value")) continue;
      const std::string v = kv.second.Scalar();
      SetAction a{p->id, 0};
      if (p->type == config::ValueType::boolean) {
        if (v == "on" || v == "true") a.value = 1;
        else if (v == "off" || v == "false") a.value = 0;
        else { error(kv.second, "'" + p->id + "' is on/off: set it to on, off, true or false, not '" + v + "'"); continue; }
      } else {
        char* end = nullptr;
        double x = std::strtod(v.c_str(), &end);
        if (v.empty() || *end) { error(kv.second, "'" + p->id + "' is numeric: set it to a number, not '" + v + "'"); continue; }
        a.value = x;
      }
      r.set.push_back(a);
    }
  }

  void rule(const YAML::Node& n) {
    if (!n.IsMap()) return error(n, "a rule is a map (name, when/at, set, ...)");
    auto k = keys(n, "rule", {"name", "when", "for", "until", "at", "unless", "set", "priority"});
    Rule r;
    r.pos = pos(n);
    if (k.count("name")) r.name = name(k["name"].second, seen_.rules, "rule");
    else error(n, "a rule needs a `name`");
    std::optional<Duration> inline_hold;
    if (k.count("when")) r.when = expression(k["when"].second, "when", true, &inline_hold);
    if (k.count("at")) {
      if (k.count("when")) error(k["at"].first, "a rule has either `when` or `at`, not both");
      const YAML::Node& at = k["at"].second;
      auto one = [&](const YAML::Node& t) {
        auto m = t.IsScalar() ? parse_hhmm(t.Scalar()) : std::nullopt;
        if (!m) error(t, "`at` time '" + (t.IsScalar() ? t.Scalar() : std::string("?")) + "' is not HH:MM (00:00..23:59)");
        else r.at.push_back(*m);
      };
      if (at.IsSequence() && at.size() > 0) for (const auto& t : at) one(t);
      else if (at.IsScalar()) one(at);
      else error(at, "`at` is a list of times, like [\"07:00\", \"17:30\"]");
    }
    if (!k.count("when") && !k.count("at")) error(n, "a rule needs `when` (a condition) or `at` (times of day)");
    if (k.count("for")) {
      auto d = duration(k["for"].second, "for");
      if (d && inline_hold) error(k["for"].first, "`for` given twice: in `when` and as a key");
      if (d && k.count("at")) r.pulse = *d;
      else if (d) r.hold = *d;
    } else if (k.count("at") && !k.count("when")) {
      error(k["at"].first, "an `at` rule needs `for:` (how long the pulse lasts)");
    }
    if (inline_hold) r.hold = *inline_hold;
    if (k.count("until")) {
      if (!k.count("when")) error(k["until"].first, "`until` releases a `when` rule; this rule has no `when`");
      r.until = expression(k["until"].second, "until");
    }
    if (k.count("unless")) {
      if (!k.count("at")) error(k["unless"].first, "`unless` inhibits an `at` rule; in a `when` rule write `and not (...)`");
      r.unless = expression(k["unless"].second, "unless");
    }
    if (k.count("set")) set_actions(k["set"].second, r);
    else error(n, "a rule needs `set` (which actuator to drive)");
    if (k.count("priority")) {
      const YAML::Node& p = k["priority"].second;
      try {
        r.priority = p.as<int>();
      } catch (const YAML::Exception&) {
        error(p, "`priority` is a whole number");
      }
    }
    out_.rules.push_back(std::move(r));
  }

  void actuators(const YAML::Node& n) {
    if (n.IsNull()) return;
    if (!n.IsMap()) return error(n, "`actuators` is a map of point: { failsafe, min_on, min_off, max_on, exclusive_with }");
    for (const auto& kv : n) {
      ActuatorSpec a;
      a.point = kv.first.Scalar();
      a.pos = pos(kv.first);
      if (!writable(kv.first, a.point)) continue;
      auto [it, fresh] = seen_.actuators.emplace(a.point, a.pos);
      if (!fresh) error(kv.first, "actuator '" + a.point + "' declared twice (first at " + where(it->second) + ")");
      const YAML::Node& v = kv.second;
      if (!v.IsMap()) { error(v, "an actuator's settings are a map, like { failsafe: on, min_on: 5m }"); continue; }
      auto k = keys(v, "actuator", {"failsafe", "min_on", "min_off", "max_on", "exclusive_with"});
      if (k.count("failsafe")) {
        const YAML::Node& f = k["failsafe"].second;
        std::string s = f.IsScalar() ? f.Scalar() : "";
        if (s == "on") a.failsafe = Failsafe::on;
        else if (s == "off") a.failsafe = Failsafe::off;
        else if (s == "hold") a.failsafe = Failsafe::hold;
        else error(f, "failsafe must be on, off or hold, not '" + s + "'");
      }
      for (auto [key, field] : {std::pair{"min_on", &a.min_on}, {"min_off", &a.min_off}, {"max_on", &a.max_on}})
        if (k.count(key))
          if (auto d = duration(k[key].second, key)) *field = *d;
      if (a.max_on.count() && a.min_on > a.max_on)
        error(k["min_on"].second, "min_on (" + k["min_on"].second.Scalar() + ") is longer than max_on (" +
                                       k["max_on"].second.Scalar() + "): the actuator could never be cut");
      if (k.count("exclusive_with")) {
        const YAML::Node& x = k["exclusive_with"].second;
        auto one = [&](const YAML::Node& t) {
          const std::string id = t.IsScalar() ? t.Scalar() : "";
          const config::Point* p = cfg_.find_point(id);
          if (id == a.point) error(t, "an actuator cannot exclude itself");
          else if (!p || !p->writable) error(t, "exclusive_with: unknown actuator '" + id + "'");
          else a.exclusive_with.push_back(id);
        };
        if (x.IsSequence()) for (const auto& t : x) one(t);
        else one(x);
      }
      out_.actuators.push_back(std::move(a));
    }
  }

  void alarm(const YAML::Node& n) {
    if (!n.IsMap()) return error(n, "an alarm is a map (name, when, severity, message)");
    auto k = keys(n, "alarm", {"name", "when", "for", "severity", "message"});
    AlarmSpec a;
    a.pos = pos(n);
    if (k.count("name")) a.name = name(k["name"].second, seen_.alarms, "alarm");
    else error(n, "an alarm needs a `name`");
    std::optional<Duration> inline_hold;
    if (k.count("when")) {
      if (auto e = expression(k["when"].second, "when", true, &inline_hold)) a.when = *e;
    } else {
      error(n, "an alarm needs `when`");
    }
    if (k.count("for")) {
      auto d = duration(k["for"].second, "for");
      if (d && inline_hold) error(k["for"].first, "`for` given twice: in `when` and as a key");
      if (d) a.hold = *d;
    }
    if (inline_hold) a.hold = *inline_hold;
    if (k.count("severity")) {
      const YAML::Node& s = k["severity"].second;
      std::string v = s.IsScalar() ? s.Scalar() : "";
      if (v == "info") a.severity = Severity::info;
      else if (v == "warning") a.severity = Severity::warning;
      else if (v == "critical") a.severity = Severity::critical;
      else error(s, "severity must be info, warning or critical, not '" + v + "'");
    }
    a.message = a.name;
    if (k.count("message") && scalar(k["message"].second, "message")) {
      const YAML::Node& m = k["message"].second;
      a.message = m.Scalar();
      for (size_t open = a.message.find('{'); open != std::string::npos; open = a.message.find('{', open + 1)) {
        size_t close = a.message.find('}', open);
        if (close == std::string::npos) { error_inside(m, static_cast<int>(open), "'{' without '}' in message"); break; }
        std::string id = a.message.substr(open + 1, close - open - 1);
        if (!cfg_.find_point(id)) error_inside(m, static_cast<int>(open + 1), "unknown point '" + id + "' in message");
      }
    }
    out_.alarms.push_back(std::move(a));
  }
};

// A rule file caught empty is most likely one being saved (editors truncate, then write):
// loading it would silently drop every rule and let the actuators fall to their defaults.
const char* kEmptyRuleFile =
    "the rule file is empty (no rules, actuators or alarms); to have none, write `rules: []` "
    "or remove the file from `rules:`";

// Parses one file's text; false when it is not a YAML document (reported).
bool parse_yaml(const SourceText& src, const std::string& text, YAML::Node& root,
                config::Diagnostics& d) {
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    const config::SyntaxError err =
        config::explain_syntax_error(text, e.mark.line, e.mark.column, e.msg);
    d.error({src.file(), err.line, err.col}, err.message);
    return false;
  }
  if (!root.IsDefined() || root.IsNull()) {
    d.error({src.file(), 1, 1}, kEmptyRuleFile);
    return false;
  }
  return true;
}

void parse_into(const std::string& text, const std::string& file, const config::Config* cfg,
                Seen& seen, RuleSet& out, config::Diagnostics& d) {
  // Every exception becomes a diagnostic: a reload must never take the daemon down.
  try {
    SourceText src(file, text);
    YAML::Node root;
    if (!parse_yaml(src, text, root, d) || !cfg) return;
    FileParser(src, *cfg, d, seen, out).top(root);
  } catch (const std::exception& e) {
    d.error({file, 1, 1}, std::string("internal error while reading the rule file: ") + e.what());
  }
}

// Reads and parses each file (cfg == nullptr: only reading and YAML syntax are checked).
RuleLoadResult load_files(const std::vector<std::string>& files, const config::Config* cfg) {
  RuleLoadResult r;
  Seen seen;
  RuleSet set;
  for (const auto& f : files) {
    config::FileRead file = config::read_regular_file(f);
    if (!file.ok) {
      r.diagnostics.error({f, 1, 1}, "cannot read the rule file: " + file.error);
      continue;
    }
    parse_into(file.bytes, f, cfg, seen, set, r.diagnostics);
  }
  if (!r.diagnostics.has_errors() && cfg) r.rules = std::move(set);
  return r;
}

}  // namespace

RuleLoadResult parse_rule_text(const std::string& text, const std::string& file, const config::Config& config) {
  RuleLoadResult r;
  Seen seen;
  RuleSet set;
  parse_into(text, file, &config, seen, set, r.diagnostics);
  if (!r.diagnostics.has_errors()) r.rules = std::move(set);
  return r;
}

RuleLoadResult load_rule_files(const std::vector<std::string>& files, const config::Config& config) {
  return load_files(files, &config);
}

config::Diagnostics check_rule_files_readable(const std::vector<std::string>& files) {
  return load_files(files, nullptr).diagnostics;
}

}  // namespace farmgate::rules
