#include "tools/farmsim/faults.h"

#include <cstdlib>
#include <sstream>

namespace farmsim {
namespace {

bool parse_int(const std::string& s, long lo, long hi, int* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  long v = std::strtol(s.c_str(), &end, 0);
  if (*end != '\0' || v < lo || v > hi) return false;
  *out = static_cast<int>(v);
  return true;
}

}  // namespace

std::string Fault::str() const {
  switch (mode) {
    case Mode::none: return "none";
    case Mode::silent: return "silent";
    case Mode::exception: return "exception " + std::to_string(arg);
    case Mode::slow: return "slow " + std::to_string(arg);
    case Mode::flaky: return "flaky";
    case Mode::badcrc: return "badcrc";
    case Mode::wrongunit: return arg < 0 ? "wrongunit" : "wrongunit " + std::to_string(arg);
    case Mode::truncate: return "truncate";
  }
  return "?";
}

std::optional<Fault> parse_fault(const std::vector<std::string>& words, std::string* error) {
  auto fail = [&](const std::string& msg) {
    *error = msg;
    return std::nullopt;
  };
  if (words.empty()) return fail("missing fault mode");
  const std::string& m = words[0];
  Fault f;
  bool takes_arg = false, needs_arg = false;
  if (m == "none") f.mode = Fault::Mode::none;
  else if (m == "silent") f.mode = Fault::Mode::silent;
  else if (m == "exception") f.mode = Fault::Mode::exception, takes_arg = needs_arg = true;
  else if (m == "slow") f.mode = Fault::Mode::slow, takes_arg = needs_arg = true;
  else if (m == "flaky") f.mode = Fault::Mode::flaky;
  else if (m == "badcrc") f.mode = Fault::Mode::badcrc;
  else if (m == "wrongunit") f.mode = Fault::Mode::wrongunit, f.arg = -1, takes_arg = true;
  else if (m == "truncate") f.mode = Fault::Mode::truncate;
  else
    return fail("unknown fault '" + m +
                "' (none, silent, exception CODE, slow MS, flaky, badcrc, wrongunit [ID], "
                "truncate)");
  if (words.size() > (takes_arg ? 2u : 1u)) return fail("too many words for fault '" + m + "'");
  if (needs_arg && words.size() < 2) return fail("fault '" + m + "' needs a number");
  if (words.size() == 2) {
    bool ok = false;
    if (f.mode == Fault::Mode::exception) ok = parse_int(words[1], 1, 255, &f.arg);
    if (f.mode == Fault::Mode::slow) ok = parse_int(words[1], 0, 600000, &f.arg);
    if (f.mode == Fault::Mode::wrongunit) ok = parse_int(words[1], 0, 255, &f.arg);
    if (!ok) return fail("bad number '" + words[1] + "' for fault '" + m + "'");
  }
  return f;
}

std::optional<Fault> parse_fault(const std::string& text, std::string* error) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return parse_fault(words, error);
}

ReplyPlan plan_reply(const Fault& fault, int unit, long* flaky_count) {
  ReplyPlan p;
  switch (fault.mode) {
    case Fault::Mode::none: break;
    case Fault::Mode::silent: p.answer = p.process = false; break;
    case Fault::Mode::exception:
      p.process = false;
      p.exception = static_cast<uint8_t>(fault.arg);
      break;
    case Fault::Mode::slow: p.delay = std::chrono::milliseconds(fault.arg); break;
    case Fault::Mode::flaky:
      // Odd requests are answered, even ones dropped: the first poll after the fault works.
      if (++*flaky_count % 2 == 0) p.answer = p.process = false;
      break;
    case Fault::Mode::badcrc: p.corrupt_crc = true; break;
    case Fault::Mode::wrongunit: p.reply_unit = fault.arg >= 0 ? fault.arg : (unit + 1) % 256; break;
    case Fault::Mode::truncate: p.truncate = true; break;
  }
  return p;
}

void truncate_frame(std::vector<uint8_t>* frame) {
  size_t keep = frame->size() > 4 ? frame->size() - 3 : 1;
  if (frame->size() > keep) frame->resize(keep);
}

}  // namespace farmsim
