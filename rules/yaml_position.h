// Where a character of a YAML scalar sits in its file. yaml-cpp marks the start of a scalar
// (for quoted ones: the quote); an expression error is at an offset inside the decoded value,
// so we walk the raw text, undoing quoting and escapes, to find its line and column.
#pragma once

#include <string>
#include <vector>

#include "config/diagnostic.h"

namespace farmgate::rules {

class SourceText {
 public:
  SourceText(std::string file, const std::string& text);
  // 0-based yaml-cpp mark (line, column) of a scalar + offset in its decoded value -> position.
  // Falls back to the scalar's start for block scalars (| >) and where the mapping is unclear.
  config::SourcePos at(int mark_line, int mark_col, int offset = 0) const;
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<std::string> lines_;
};

}  // namespace farmgate::rules
