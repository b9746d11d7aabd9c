#include "daemon/health_status.h"

#include <cstdio>

namespace farmgate::daemon {
namespace {

constexpr std::size_t kNamedFailures = 3;    // more are counted, not named: the line stays short
constexpr std::size_t kMaxErrorLength = 60;  // per named failure

std::string count(std::int64_t n, const char* word, const char* words) {
  return std::to_string(n) + " " + (n == 1 ? word : words);
}

// Bytes in the UTF-8 sequence that starts at text[i], or 0 when none valid starts there.
std::size_t utf8_length(const std::string& text, std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  std::size_t len = c < 0x80                 ? 1
                    : c >= 0xC2 && c <= 0xDF ? 2
                    : c >= 0xE0 && c <= 0xEF ? 3
                    : c >= 0xF0 && c <= 0xF4 ? 4
                                             : 0;
  if (len == 0 || i + len > text.size()) return 0;
  for (std::size_t k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
  return len;
}

}  // namespace

std::string one_line(const std::string& text, std::size_t max) {
  // systemd drops a STATUS= that is not valid UTF-8, and a control character would end the
  // assignment: both are written as \xNN.
  std::string out;
  std::vector<std::size_t> ends;  // where each piece of `out` ends, to cut between pieces
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = utf8_length(text, i);
    std::string piece;
    if (len == 0 || c < 0x20 || c == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      piece = hex;
      len = 1;
    } else {
      piece = text.substr(i, len);
    }
    if (out.size() + piece.size() > max) {
      while (!ends.empty() && ends.back() + 3 > max) ends.pop_back();
      out.resize(ends.empty() ? 0 : ends.back());
      return out + std::string("...").substr(0, max);
    }
    out += piece;
    ends.push_back(out.size());
    i += len;
  }
  return out;
}

std::string health_line(const HealthFigures& f) {
  std::int64_t ok = 0, failing = 0, not_polled = 0;
  std::string named;
  for (const auto& d : f.devices) {
    switch (d.kind) {
      case DeviceState::Kind::ok:
        ++ok;
        break;
      case DeviceState::Kind::not_polled:
        ++not_polled;
        break;
      case DeviceState::Kind::failing:
        if (failing++ < static_cast<std::int64_t>(kNamedFailures))
          named += (named.empty() ? "" : ", ") + d.name + ": " +
                   one_line(d.error.empty() ? "failed" : d.error, kMaxErrorLength);
        break;
    }
  }
  std::string s;
  if (f.devices.empty()) {
    s = "no devices";
  } else {
    s = count(ok, "device", "devices") + " ok";
    if (failing) {
      s += ", " + std::to_string(failing) + " failing (" + named;
      if (failing > static_cast<std::int64_t>(kNamedFailures))
        s += ", +" + std::to_string(failing - static_cast<std::int64_t>(kNamedFailures)) + " more";
      s += ")";
    }
    if (not_polled) s += ", " + std::to_string(not_polled) + " not polled yet";
  }
  s += "; " + std::to_string(f.unsent) + " unsent";
  if (f.dropped) s += ", " + std::to_string(f.dropped) + " dropped";
  if (f.buffer_failing) s += ", buffer not writable";
  return one_line(s);
}

bool DeviceStates::on_poll(const std::string& device, bool ok, const std::string& error) {
  auto [it, first] = by_name_.try_emplace(device);
  const auto kind = ok ? DeviceState::Kind::ok : DeviceState::Kind::failing;
  const bool changed = first || it->second.kind != kind;
  it->second.name = device;
  it->second.kind = kind;
  it->second.error = ok ? "" : error;
  return changed;
}

std::vector<DeviceState> DeviceStates::states(const std::vector<std::string>& names) const {
  std::vector<DeviceState> out;
  for (const auto& name : names) {
    auto it = by_name_.find(name);
    if (it != by_name_.end()) {
      out.push_back(it->second);
    } else {
      out.push_back(DeviceState{name, DeviceState::Kind::not_polled, ""});
    }
  }
  return out;
}

}  // namespace farmgate::daemon
