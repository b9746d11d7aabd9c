#include "config/yaml_file.h"

#include "config/file_read.h"
#include "config/yaml_syntax.h"

namespace farmgate::config {

std::optional<YAML::Node> read_yaml_file(const std::string& path, Diagnostics& diags) {
  const SourcePos top{path, 1, 1};
  FileRead file = read_regular_file(path);
  if (!file.ok) {
    diags.error(top, "cannot read the file: " + file.error);
    return std::nullopt;
  }
  YAML::Node doc;
  try {
    doc = YAML::Load(file.bytes);
  } catch (const YAML::Exception& e) {
    const SyntaxError err = explain_syntax_error(file.bytes, e.mark.line, e.mark.column, e.msg);
    diags.error({path, err.line, err.col},
                err.explained ? err.message : "YAML syntax: " + err.message);
    return std::nullopt;
  }
  if (!doc.IsDefined() || doc.IsNull()) {
    diags.error(top, "the file is empty");
    return std::nullopt;
  }
  return doc;
}

std::string join_path(const std::string& dir, const std::string& rel) {
  if (dir.empty() || (!rel.empty() && rel[0] == '/')) return rel;
  return dir.back() == '/' ? dir + rel : dir + "/" + rel;
}

std::string dir_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace farmgate::config
