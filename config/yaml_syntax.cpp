#include "config/yaml_syntax.h"

#include <sstream>
#include <vector>

namespace farmgate::config {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// 0-based column of the first tab in the line's indentation; npos when it has none.
std::size_t tab_in_indentation(const std::string& line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\t') return i;
    if (line[i] != ' ' && line[i] != '-') return std::string::npos;
  }
  return std::string::npos;
}

// Blank or only a comment: YAML sees nothing there.
bool is_content(const std::string& line) {
  const auto first = line.find_first_not_of(" \t\r");
  return first != std::string::npos && line[first] != '#';
}

// The line before `index` that holds something, or -1.
int previous_content_line(const std::vector<std::string>& lines, int index) {
  for (int i = index - 1; i >= 0; --i)
    if (is_content(lines[i])) return i;
  return -1;
}

// A key without its ':' ("  id gw", "buses", "- name probe"): the first word after the
// indentation and a list dash; false when the line has a ':' (then it is not that mistake).
bool key_without_colon(const std::string& line, std::size_t& start, std::size_t& end) {
  const std::string code = line.substr(0, line.find(" #"));
  if (code.find(':') != std::string::npos) return false;
  start = code.find_first_not_of(" -");
  if (start == std::string::npos) return false;
  const char c = code[start];
  if (c == '{' || c == '[' || c == '"' || c == '\'' || c == '|' || c == '>') return false;
  end = code.find_first_of(" \t\r", start);
  if (end == std::string::npos) end = code.size();
  return true;
}

}  // namespace

SyntaxError explain_syntax_error(const std::string& text, int mark_line, int mark_col,
                                 const std::string& yaml_message) {
  SyntaxError out{mark_line < 0 ? 1 : mark_line + 1, mark_col < 0 ? 1 : mark_col + 1, yaml_message,
                  false};
  const std::vector<std::string> lines = lines_of(text);
  if (mark_line < 0 || mark_line >= static_cast<int>(lines.size())) return out;

  // A tab in the indentation confuses yaml-cpp into several messages; only the tab matters.
  const std::size_t tab = tab_in_indentation(lines[mark_line]);
  if (tab != std::string::npos) {
    return {mark_line + 1, static_cast<int>(tab) + 1, "tab character: use spaces to indent", true};
  }
  // A key without ':' reads as a plain value until the next line's ':' is "illegal".
  if (yaml_message == "illegal map value") {
    const int before = previous_content_line(lines, mark_line);
    std::size_t start = 0, end = 0;
    if (before >= 0 && key_without_colon(lines[before], start, end)) {
      return {before + 1, static_cast<int>(end) + 1,
              "missing ':' after '" + lines[before].substr(start, end - start) +
                  "' (a key is written `key: value`)",
              true};
    }
  }
  return out;
}

}  // namespace farmgate::config
