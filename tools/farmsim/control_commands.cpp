#include "tools/farmsim/control_commands.h"

#include <sstream>
#include <vector>

#include "tools/farmsim/value_codec.h"

namespace farmsim {
namespace {

struct CommandError {
  std::string message;
};

[[noreturn]] void fail(const std::string& message) { throw CommandError{message}; }

int unit_arg(Simulator& sim, const std::string& word) {
  auto unit = parse_integer(word, 0, 255);
  if (!unit) fail("bad unit '" + word + "'");
  if (!sim.has_unit(int(*unit))) fail("unknown unit " + word);
  return int(*unit);
}

Table table_arg(const std::string& word) {
  auto t = parse_table(word);
  if (!t) fail("bad table '" + word + "' (holding input coil discrete)");
  return *t;
}

int address_arg(const std::string& word) {
  auto a = parse_integer(word, 0, kMaxTableSize - 1);
  if (!a) fail("bad address '" + word + "'");
  return int(*a);
}

// "float32:5.62:CDAB" -> its registers; a plain word -> one register.
std::vector<uint16_t> register_values(const std::string& word) {
  auto colon = word.find(':');
  if (colon == std::string::npos) {
    auto w = parse_word(word);
    if (!w) fail("bad register value '" + word + "'");
    return {*w};
  }
  std::string type = word.substr(0, colon), rest = word.substr(colon + 1), order = "ABCD";
  if (auto c2 = rest.find(':'); c2 != std::string::npos) {
    order = rest.substr(c2 + 1);
    rest = rest.substr(0, c2);
  }
  std::string err;
  auto words = encode_value(type, rest, order, &err);
  if (!words) fail(err);
  return *words;
}

std::string cmd_set(Simulator& sim, const std::vector<std::string>& w) {
  if (w.size() < 5) fail("usage: set UNIT TABLE ADDRESS VALUE...");
  int unit = unit_arg(sim, w[1]);
  Table table = table_arg(w[2]);
  int addr = address_arg(w[3]);
  bool bits = table == Table::coil || table == Table::discrete;
  std::vector<uint16_t> values;
  for (size_t i = 4; i < w.size(); ++i) {
    if (bits) {
      auto b = parse_bit(w[i]);
      if (!b) fail("bad bit '" + w[i] + "' (true false 1 0 on off)");
      values.push_back(*b);
    } else {
      auto words = register_values(w[i]);
      values.insert(values.end(), words.begin(), words.end());
    }
  }
  UnitTables& t = sim.bank().unit(unit);
  if (!t.contains(table, addr, int(values.size())))
    fail("past the end of the " + std::string(table_name(table)) + " table (size " +
         std::to_string(t.size(table)) + ")");
  for (size_t i = 0; i < values.size(); ++i) t.set(table, addr + int(i), values[i]);
  return "ok";
}

std::string cmd_get(Simulator& sim, const std::vector<std::string>& w) {
  if (w.size() < 4 || w.size() > 5) fail("usage: get UNIT TABLE ADDRESS [COUNT]");
  int unit = unit_arg(sim, w[1]);
  Table table = table_arg(w[2]);
  int addr = address_arg(w[3]);
  int count = 1;
  if (w.size() == 5) {
    auto c = parse_integer(w[4], 1, kMaxTableSize);
    if (!c) fail("bad count '" + w[4] + "'");
    count = int(*c);
  }
  const UnitTables& t = sim.bank().unit(unit);
  if (!t.contains(table, addr, count))
    fail("past the end of the " + std::string(table_name(table)) + " table (size " +
         std::to_string(t.size(table)) + ")");
  std::string reply = "ok";
  for (int i = 0; i < count; ++i) reply += " " + std::to_string(t.get(table, addr + i));
  return reply;
}

std::string cmd_fault(Simulator& sim, const std::vector<std::string>& w) {
  if (w.size() < 2) fail("usage: fault UNIT MODE [ARG]");
  int unit = unit_arg(sim, w[1]);
  if (w.size() == 2) return "ok " + sim.fault(unit).str();
  std::string err;
  auto f = parse_fault(std::vector<std::string>(w.begin() + 2, w.end()), &err);
  if (!f) fail(err);
  sim.set_fault(unit, *f);
  return "ok";
}

std::string cmd_stats(Simulator& sim, const std::vector<std::string>& w) {
  if (w.size() != 2) fail("usage: stats UNIT");
  UnitStats s = sim.stats(unit_arg(sim, w[1]));
  return "ok requests=" + std::to_string(s.requests) + " replies=" + std::to_string(s.replies) +
         " exceptions=" + std::to_string(s.exceptions);
}

}  // namespace

std::string execute_command(Simulator& sim, const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> w;
  for (std::string word; in >> word;) w.push_back(word);
  if (w.empty()) return "error: empty command";
  try {
    if (w[0] == "set") return cmd_set(sim, w);
    if (w[0] == "get") return cmd_get(sim, w);
    if (w[0] == "fault") return cmd_fault(sim, w);
    if (w[0] == "stats") return cmd_stats(sim, w);
    if (w[0] == "help") return "ok set get fault stats quit shutdown";
    return "error: unknown command '" + w[0] + "' (try help)";
  } catch (const CommandError& e) {
    return "error: " + e.message;
  }
}

}  // namespace farmsim
