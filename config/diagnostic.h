// A positioned message about a user's file, printed like a compiler's:
//   FILE:LINE:COL: error: what is wrong
// Loaders collect every diagnostic of a file instead of stopping at the first.
#pragma once

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

}  // namespace farmgate::config
