#include "config/diagnostic.h"

#include <algorithm>
#include <map>
#include <ostream>
#include <sstream>

#include "config/file_read.h"

namespace farmgate::config {

namespace {

// Longer lines (a pasted blob) are shown this wide around the column.
constexpr std::size_t kExcerptWidth = 120;

std::string where(const SourcePos& pos) {
  return pos.file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.col) + ": ";
}

}  // namespace

std::string Diagnostic::str() const {
  return where(pos) + (severity == Severity::error ? "error: " : "warning: ") + message;
}

std::string Diagnostic::located() const { return where(pos) + message; }

void Diagnostics::error(const SourcePos& pos, std::string message) {
  list_.push_back({pos, Diagnostic::Severity::error, std::move(message)});
}

void Diagnostics::warning(const SourcePos& pos, std::string message) {
  list_.push_back({pos, Diagnostic::Severity::warning, std::move(message)});
}

bool Diagnostics::has_errors() const {
  for (const auto& d : list_)
    if (d.severity == Diagnostic::Severity::error) return true;
  return false;
}

void Diagnostics::append(const Diagnostics& other) {
  list_.insert(list_.end(), other.list_.begin(), other.list_.end());
}

namespace {

// A file's lines, read once per printing however many diagnostics point into it.
class SourceLines {
 public:
  // The 1-based line `n` of `file`; nullptr when there is none.
  const std::string* line(const std::string& file, int n) {
    auto it = files_.find(file);
    if (it == files_.end()) it = files_.emplace(file, read_lines(file)).first;
    if (n < 1 || n > static_cast<int>(it->second.size())) return nullptr;
    return &it->second[n - 1];
  }

 private:
  static std::vector<std::string> read_lines(const std::string& file) {
    std::vector<std::string> lines;
    const FileRead read = read_regular_file(file);
    if (!read.ok) return lines;
    std::istringstream in(read.bytes);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return lines;
  }
  std::map<std::string, std::vector<std::string>> files_;
};

bool blank(const std::string& line) { return line.find_first_not_of(" \t\r") == std::string::npos; }

// A UTF-8 continuation byte takes no column on the screen.
bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string source_excerpt(const std::string& line, int col) {
  std::size_t at = col < 1 ? 0 : std::min(static_cast<std::size_t>(col - 1), line.size());
  std::string shown = line;
  std::string lead;
  if (shown.size() > kExcerptWidth) {
    std::size_t from = at > kExcerptWidth / 2 ? at - kExcerptWidth / 2 : 0;
    while (from > 0 && continuation(shown[from])) --from;
    shown = shown.substr(from, kExcerptWidth);
    at -= from;
    if (from > 0) lead = "...";
  }
  if (!shown.empty() && shown.back() == '\r') shown.pop_back();
  for (char& c : shown)
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) c = '?';
  std::string caret = lead.empty() ? "" : std::string(lead.size(), ' ');
  for (std::size_t i = 0; i < at && i < shown.size(); ++i) {
    if (continuation(shown[i])) continue;
    caret += shown[i] == '\t' ? '\t' : ' ';
  }
  return lead + shown + "\n" + caret + "^\n";
}

void print_with_source(const Diagnostics& diags, std::ostream& out) {
  SourceLines sources;
  for (const auto& d : diags.all()) {
    out << d.str() << "\n";
    const std::string* line = sources.line(d.pos.file, d.pos.line);
    if (line && !blank(*line)) out << source_excerpt(*line, d.pos.col);
  }
}

}  // namespace farmgate::config
