// A YAML syntax error in plain words, placed where the person must fix it: yaml-cpp says
// "illegal map value" on the line after a missing ':' and "illegal tab when looking for
// indentation" for a tab; a technician needs "missing ':'" on the right line and "use spaces".
#pragma once

#include <string>

namespace farmgate::config {

struct SyntaxError {
  int line = 1;  // 1-based, as editors count
  int col = 1;
  std::string message;
  bool explained = false;  // false: `message` is yaml-cpp's own words
};

// `text`: the whole file; `mark_line`/`mark_col`: yaml-cpp's 0-based mark (-1 when it has
// none); `yaml_message`: its message.
SyntaxError explain_syntax_error(const std::string& text, int mark_line, int mark_col,
                                 const std::string& yaml_message);

}  // namespace farmgate::config
