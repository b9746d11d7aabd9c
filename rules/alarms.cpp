#include "rules/alarms.h"

#include <cstdio>

namespace farmgate::rules {

Event alarm_event(std::int64_t ts_ms, const std::string& name, Severity severity, bool raised,
                  const std::string& message) {
  return Event{ts_ms, "alarm",
               {{"name", name}, {"severity", to_string(severity)}, {"state", raised ? "raised" : "cleared"},
                {"message", message}}};
}

std::string fill_message(const std::string& message, const EvalContext& ctx) {
  std::string out;
  size_t i = 0;
  while (i < message.size()) {
    size_t open = message.find('{', i), close = open == std::string::npos ? open : message.find('}', open);
    if (close == std::string::npos) break;
    out += message.substr(i, open - i);
    Value v = ctx.point(message.substr(open + 1, close - open - 1));
    if (v.known()) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", v.number);
      out += buf;
    } else {
      out += "unknown";
    }
    i = close + 1;
  }
  return out + message.substr(std::min(i, message.size()));
}

Alarms::Alarms(std::vector<AlarmSpec> specs) {
  for (auto& s : specs) list_.push_back({std::move(s), false, std::nullopt});
}

bool Alarms::raised(const std::string& name) const {
  for (const auto& s : list_)
    if (s.spec.name == name) return s.raised;
  return false;
}

std::map<std::string, Alarms::Carried> Alarms::carried() const {
  std::map<std::string, Carried> out;
  for (const auto& s : list_)
    out[s.spec.name] = Carried{s.raised, s.true_since, s.spec.when.text(), s.spec.hold, s.spec.severity,
                               s.spec.message};
  return out;
}

bool Alarms::restore(const std::string& name, const Carried& c) {
  for (auto& s : list_) {
    if (s.spec.name != name) continue;
    // Still raised: it is not raised again; a false condition clears it at the next evaluate.
    s.raised = c.raised;
    // The `for` count goes on only for the same condition held for the same time.
    const bool same = c.when == s.spec.when.text() && c.hold == s.spec.hold;
    s.true_since = same ? c.true_since : std::nullopt;
    return true;
  }
  return false;
}

void Alarms::evaluate(const EvalContext& ctx, SteadyTime now, std::int64_t wall_ms, std::vector<Event>& out) {
  for (auto& s : list_) {
    Value v = s.spec.when.eval(ctx);
    if (!v.known()) {
      s.true_since.reset();
      continue;
    }
    if (v.is_true()) {
      if (!s.true_since) s.true_since = now;
      if (!s.raised && now - *s.true_since >= s.spec.hold) {
        s.raised = true;
        out.push_back(alarm_event(wall_ms, s.spec.name, s.spec.severity, true, fill_message(s.spec.message, ctx)));
      }
    } else {
      s.true_since.reset();
      if (s.raised) {
        s.raised = false;
        out.push_back(alarm_event(wall_ms, s.spec.name, s.spec.severity, false, fill_message(s.spec.message, ctx)));
      }
    }
  }
}

}  // namespace farmgate::rules
