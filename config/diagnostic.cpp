#include "config/diagnostic.h"

namespace farmgate::config {

std::string Diagnostic::str() const {
  return pos.file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.col) + ": " +
         (severity == Severity::error ? "error: " : "warning: ") + message;
}

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

}  // namespace farmgate::config
