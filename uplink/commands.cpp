#include "uplink/commands.h"

#include <set>
#include <vector>

#include "config/units.h"

namespace farmgate::uplink {
namespace {

std::optional<Op> parse_op(const std::string& s) {
  if (s == "set") return Op::set;
  if (s == "release") return Op::release;
  if (s == "read") return Op::read;
  if (s == "status") return Op::status;
  return std::nullopt;
}

std::string string_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

ParseResult refuse(Refusal r, std::string error) {
  r.error = std::move(error);
  return r;
}

// The point checks shared by set, release and read.
std::optional<std::string> check_point(const nlohmann::json& j, Op op, const config::Config& config,
                                       const config::Point** point) {
  auto it = j.find("point");
  if (it == j.end()) return std::string("`point` is missing");
  if (!it->is_string()) return std::string("`point` must be a string");
  const std::string id = it->get<std::string>();
  *point = config.find_point(id);
  if (!*point) return "unknown point " + id;
  if ((op == Op::set || op == Op::release) && !(*point)->writable) return id + " is not writable";
  return std::nullopt;
}

std::optional<std::string> check_set(const nlohmann::json& j, const config::Point& p, Command& c) {
  c.boolean = p.type == config::ValueType::boolean;
  auto v = j.find("value");
  if (v == j.end()) return std::string("`value` is missing");
  if (c.boolean) {
    if (!v->is_boolean()) return p.id + " is a bool point: `value` must be true or false";
    c.value = v->get<bool>() ? 1 : 0;
  } else {
    if (!v->is_number()) return p.id + " is a numeric point: `value` must be a number";
    c.value = v->get<double>();
    // What the point would read back as `bad` is no value to drive it to.
    if ((p.valid_min && c.value < *p.valid_min) || (p.valid_max && c.value > *p.valid_max))
      return p.id + ": value " + v->dump() + " is outside its valid range [" +
             (p.valid_min ? nlohmann::json(*p.valid_min).dump() : "-inf") + ", " +
             (p.valid_max ? nlohmann::json(*p.valid_max).dump() : "inf") + "]";
  }
  auto h = j.find("hold");
  if (h == j.end()) return std::string("`hold` is missing (a duration such as \"30m\")");
  if (!h->is_string()) return std::string("`hold` must be a duration string such as \"30m\"");
  auto d = config::parse_duration(h->get<std::string>());
  if (!d.ok()) return "`hold`: " + d.error();
  if (d.value() <= Duration(0)) return std::string("`hold` must be longer than 0");
  if (d.value() > kMaxHold) return std::string("`hold` is over ") + kMaxHoldText;
  c.hold = d.value();
  return std::nullopt;
}

}  // namespace

const char* to_string(Op op) {
  switch (op) {
    case Op::set:
      return "set";
    case Op::release:
      return "release";
    case Op::read:
      return "read";
    case Op::status:
      return "status";
  }
  return "?";
}

// {"value":false,"value":true} would drive what a reader of the first key did not expect.
nlohmann::json parse_noting_duplicates(const std::string& payload, std::string* duplicate) {
  std::vector<std::set<std::string>> open_objects;
  auto note = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    switch (event) {
      case nlohmann::json::parse_event_t::object_start:
        open_objects.emplace_back();
        break;
      case nlohmann::json::parse_event_t::key:
        if (!open_objects.empty() && parsed.is_string() &&
            !open_objects.back().insert(parsed.get<std::string>()).second && duplicate->empty())
          *duplicate = parsed.get<std::string>();
        break;
      case nlohmann::json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      default:
        break;
    }
    return true;
  };
  return nlohmann::json::parse(payload, note, false);
}

std::string oversized_error(std::size_t bytes) {
  return "payload is " + std::to_string(bytes) + " bytes, over the limit of " +
         std::to_string(kMaxCommandBytes);
}

ParseResult parse_command(const std::string& payload, const config::Config& config) {
  Refusal r;
  // Never parsed past the limit (the link drops such payloads before copying them; this is
  // for any other caller): nothing of it is read, not even the id.
  if (payload.size() > kMaxCommandBytes) return refuse(r, oversized_error(payload.size()));
  std::string duplicate;
  nlohmann::json j = parse_noting_duplicates(payload, &duplicate);
  if (j.is_discarded()) return refuse(r, "malformed JSON");
  if (!j.is_object()) return refuse(r, "a command must be a JSON object");
  // A duplicated key is echoed by none of the fields: which of its values is meant is unknown.
  if (duplicate != "id") r.id = string_field(j, "id");
  if (duplicate != "op") r.op = string_field(j, "op");
  if (duplicate != "point") r.point = string_field(j, "point");
  if (!duplicate.empty())
    return refuse(r, "duplicate key " +
                         nlohmann::json(duplicate).dump(-1, ' ', false,
                                                        nlohmann::json::error_handler_t::replace) +
                         ": a key may appear once in an object");
  auto id = j.find("id");
  if (id == j.end()) return refuse(r, "`id` is missing");
  if (!id->is_string() || id->get<std::string>().empty())
    return refuse(r, "`id` must be a non-empty string");
  if (!j.contains("op")) return refuse(r, "`op` is missing");
  auto op = parse_op(r.op);
  if (!op) {
    r.op.clear();
    return refuse(r, "unknown op (expected set, release, read or status)");
  }
  Command c;
  c.id = r.id;
  c.op = *op;
  if (c.op == Op::status) return c;
  const config::Point* point = nullptr;
  if (auto e = check_point(j, c.op, config, &point)) return refuse(r, *e);
  c.point = point->id;
  if (c.op == Op::set) {
    if (auto e = check_set(j, *point, c)) return refuse(r, *e);
  }
  return c;
}

std::string result_payload(const std::string& id, const Outcome& o) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  if (!id.empty()) j["id"] = id;
  j["ok"] = o.ok;
  if (!o.ok) j["error"] = o.error.empty() ? "failed" : o.error;
  if (o.extra.is_object()) {
    for (const auto& [key, value] : o.extra.items())
      if (key != "id" && key != "ok" && key != "error") j[key] = value;
  }
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string refusal_payload(const Refusal& r) {
  return result_payload(r.id, Outcome{false, r.error, nullptr});
}

namespace {

Event make_event(std::int64_t ts_ms, const std::string& id, const std::string& op,
                 const std::string& point, bool ok, const std::string& error) {
  nlohmann::json f = nlohmann::json::object();
  if (!id.empty()) f["id"] = id;
  if (!op.empty()) f["op"] = op;
  if (!point.empty()) f["point"] = point;
  f["ok"] = ok;
  if (!ok) f["error"] = error.empty() ? "failed" : error;
  return Event{ts_ms, "command", std::move(f)};
}

}  // namespace

Event command_event(std::int64_t ts_ms, const Command& c, const Outcome& o) {
  return make_event(ts_ms, c.id, to_string(c.op), c.point, o.ok, o.error);
}

Event refusal_event(std::int64_t ts_ms, const Refusal& r) {
  return make_event(ts_ms, r.id, r.op, r.point, false, r.error);
}

}  // namespace farmgate::uplink
