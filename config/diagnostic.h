// A positioned message about a user's file, printed like a compiler's:
//   FILE:LINE:COL: error: what is wrong
// Loaders collect every diagnostic of a file instead of stopping at the first.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace farmgate::config {

// Where something was written: 1-based line and column, as editors count them.
struct SourcePos {
  std::string file;
  int line = 0;
  int col = 0;
};

struct Diagnostic {
  enum class Severity { error, warning };
  SourcePos pos;
  Severity severity = Severity::error;
  std::string message;

  std::string str() const;  // "FILE:LINE:COL: error: message"
  // "FILE:LINE:COL: message": for a log line, whose level already says error or warning.
  std::string located() const;
};

class Diagnostics {
 public:
  void error(const SourcePos& pos, std::string message);
  void warning(const SourcePos& pos, std::string message);
  bool has_errors() const;
  const std::vector<Diagnostic>& all() const { return list_; }
  void append(const Diagnostics& other);

 private:
  std::vector<Diagnostic> list_;
};

// For a person at a terminal, as compilers print them: each diagnostic, then its line of the
// file and a caret under the column. A line that cannot be read (no file, past its end,
// blank) is left out; a long line is cut around the column.
//   farmgate.yaml:3:1: error: tab character: use spaces to indent
//   	site: pond
//   ^
void print_with_source(const Diagnostics& diags, std::ostream& out);

// `line` (control characters but tab shown as '?') and, below it, a caret at the 1-based
// byte column `col`; the caret line copies the tabs before it so that it lines up.
std::string source_excerpt(const std::string& line, int col);

}  // namespace farmgate::config
