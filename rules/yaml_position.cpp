#include "rules/yaml_position.h"

#include <sstream>

namespace farmgate::rules {

SourceText::SourceText(std::string file, const std::string& text) : file_(std::move(file)) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines_.push_back(line);
}

config::SourcePos SourceText::at(int mark_line, int mark_col, int offset) const {
  config::SourcePos start{file_, mark_line + 1, mark_col + 1};
  if (mark_line < 0 || mark_line >= static_cast<int>(lines_.size())) return start;
  int line = mark_line, col = mark_col;
  const std::string* l = &lines_[line];
  if (col >= static_cast<int>(l->size())) return start;
  char quote = (*l)[col];
  if (quote == '|' || quote == '>') return start;
  bool quoted = quote == '"' || quote == '\'';
  if (quoted) ++col;
  // Walk `offset` decoded characters. A line break inside a (multi-line) scalar folds to one
  // space and the next line's indentation is skipped.
  for (int i = 0; i < offset; ++i) {
    if (col >= static_cast<int>(l->size())) {
      if (++line >= static_cast<int>(lines_.size())) return start;
      l = &lines_[line];
      col = 0;
      while (col < static_cast<int>(l->size()) && ((*l)[col] == ' ' || (*l)[col] == '\t')) ++col;
      continue;
    }
    char c = (*l)[col];
    if (quote == '"' && c == '\\') col += ((col + 1 < static_cast<int>(l->size()) && (*l)[col + 1] == 'x') ? 4 : 2);
    else if (quote == '\'' && c == '\'' && col + 1 < static_cast<int>(l->size()) && (*l)[col + 1] == '\'') col += 2;
    else ++col;
  }
  return {file_, line + 1, col + 1};
}

}  // namespace farmgate::rules
