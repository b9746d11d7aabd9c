#include "tools/farmsim/faults.h"

#include <sstream>

#include "tools/farmsim/value_codec.h"

namespace farmsim {
namespace {

bool parse_int(const std::string& s, long lo, long hi, int* out) {
  auto v = parse_integer(s, lo, hi);
  if (v) *out = static_cast<int>(*v);
  return v.has_value();
}

}  // namespace

std::string Fault::str() const {
  switch (mode) {
    case Mode::none:
      return "none";
    case Mode::silent:
      return "silent";
    case Mode::exception:
      return "exception " + std::to_string(arg);
    case Mode::slow:
      return "slow " + std::to_string(arg);
    case Mode::flaky:
      return "flaky";
    case Mode::badcrc:
      return "badcrc";
    case Mode::wrongunit:
      return arg < 0 ? "wrongunit" : "wrongunit " + std::to_string(arg);
    case Mode::truncate:
      return "truncate";
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
  struct ModeWord {
    const char* word;
    Fault::Mode mode;
    bool takes_arg, needs_arg;
  };
  static const ModeWord kModes[] = {
      {"none", Fault::Mode::none, false, false},
      {"silent", Fault::Mode::silent, false, false},
      {"exception", Fault::Mode::exception, true, true},
      {"slow", Fault::Mode::slow, true, true},
      {"flaky", Fault::Mode::flaky, false, false},
      {"badcrc", Fault::Mode::badcrc, false, false},
      {"wrongunit", Fault::Mode::wrongunit, true, false},
      {"truncate", Fault::Mode::truncate, false, false},
  };
  const ModeWord* mw = nullptr;
  for (const auto& k : kModes)
    if (m == k.word) mw = &k;
  if (!mw)
    return fail("unknown fault '" + m +
                "' (none, silent, exception CODE, slow MS, flaky, badcrc, wrongunit [ID], "
                "truncate)");
  Fault f;
  f.mode = mw->mode;
  f.arg = f.mode == Fault::Mode::wrongunit ? -1 : 0;
  bool takes_arg = mw->takes_arg, needs_arg = mw->needs_arg;
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
    case Fault::Mode::none:
      break;
    case Fault::Mode::silent:
      p.answer = p.process = false;
      break;
    case Fault::Mode::exception:
      p.process = false;
      p.exception = static_cast<uint8_t>(fault.arg);
      break;
    case Fault::Mode::slow:
      p.delay = std::chrono::milliseconds(fault.arg);
      break;
    case Fault::Mode::flaky:
      // Odd requests are answered, even ones dropped: the first poll after the fault works.
      if (++*flaky_count % 2 == 0) p.answer = p.process = false;
      break;
    case Fault::Mode::badcrc:
      p.corrupt_crc = true;
      break;
    case Fault::Mode::wrongunit:
      p.reply_unit = fault.arg >= 0 ? fault.arg : (unit + 1) % 256;
      break;
    case Fault::Mode::truncate:
      p.truncate = true;
      break;
  }
  return p;
}

void truncate_frame(std::vector<uint8_t>* frame) {
  size_t keep = frame->size() > 4 ? frame->size() - 3 : 1;
  if (frame->size() > keep) frame->resize(keep);
}

}  // namespace farmsim
