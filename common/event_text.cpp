#include "common/event_text.h"

namespace farmgate {
namespace {

using nlohmann::json;

std::string text_of(const json& f, const char* key) {
  auto it = f.find(key);
  if (it == f.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// A bool actuator reads on/off, as a technician says it; a number as itself.
std::string value_text(const json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "on" : "off";
  return v.dump();
}

// " a b c" of the non-empty parts.
std::string words(std::initializer_list<std::string> parts) {
  std::string out;
  for (const auto& p : parts)
    if (!p.empty()) out += " " + p;
  return out;
}

}  // namespace

std::string event_text(const Event& e) {
  const json& f = e.fields;
  if (!f.is_object()) return e.type + " " + f.dump();
  if (e.type == "actuator" && f.contains("value"))
    return "actuator " + text_of(f, "point") + " -> " + value_text(f["value"]) + " (" +
           text_of(f, "reason") + ")";
  if (e.type == "alarm")
    return "alarm " + text_of(f, "name") + " " + text_of(f, "state") + " [" +
           text_of(f, "severity") + "]: " + text_of(f, "message");
  if (e.type == "fault")
    return "fault" + words({text_of(f, "source"), text_of(f, "device"), text_of(f, "bus"),
                            text_of(f, "point")}) +
           ": " + text_of(f, "message");
  if (e.type == "config") return "config " + text_of(f, "state") + ": " + text_of(f, "message");
  if (e.type == "command") {
    const bool ok = f.value("ok", false);
    return "command" + words({text_of(f, "id"), text_of(f, "op"), text_of(f, "point")}) + ": " +
           (ok ? "ok" : "refused: " + text_of(f, "error"));
  }
  return e.type + " " + f.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace farmgate
