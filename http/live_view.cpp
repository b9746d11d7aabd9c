#include "http/live_view.h"

namespace farmgate::http {

void LiveView::on_event(const Event& e) {
  if (e.type != "alarm" || !e.fields.is_object()) return;
  const std::string name = e.fields.value("name", "");
  if (name.empty()) return;
  if (e.fields.value("state", "") == "raised")
    alarms_[name] = Alarm{e.fields.value("severity", ""), e.fields.value("message", ""), e.ts_ms};
  else
    alarms_.erase(name);
}

}  // namespace farmgate::http
