// rules: and profiles: — the files and folders the main file points at, relative to it.
#include <glob.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "config/sections.h"
#include "config/yaml_file.h"

namespace farmgate::config {
namespace {

// Folders glob() could not list, with why; thread_local since glob's callback has no user
// pointer (a reload loads on a worker thread while `check` may run elsewhere).
thread_local std::vector<std::string>* unlistable = nullptr;

int on_glob_error(const char* path, int err) {
  // A folder that does not exist is "matches nothing" (a warning, or silence for the
  // default); one that exists and cannot be listed would hide its rule files: an error.
  if (err != ENOENT && err != ENOTDIR && unlistable)
    unlistable->push_back(std::string(path) + ": " + std::strerror(err));
  return 0;
}

// The files `pattern` matches, sorted (glob() sorts); folders that cannot be listed go to
// `errors`.
std::vector<std::string> expand(const std::string& pattern, std::vector<std::string>& errors) {
  std::vector<std::string> files;
  glob_t found{};
  unlistable = &errors;
  if (::glob(pattern.c_str(), 0, on_glob_error, &found) == 0)
    for (std::size_t i = 0; i < found.gl_pathc; ++i) files.emplace_back(found.gl_pathv[i]);
  unlistable = nullptr;
  ::globfree(&found);
  return files;
}

bool has_glob_characters(const std::string& s) {
  return s.find_first_of("*?[") != std::string::npos;
}

// " (looked for DIR/GLOB)" when the path differs from what the user wrote.
std::string where_looked(const std::string& written, const std::string& path) {
  return written == path ? "" : " (looked for " + path + ")";
}

}  // namespace

std::vector<std::string> read_rule_files(MapReader& top, const std::string& dir) {
  std::vector<std::string> files;
  auto globs = top.placed_text_list("rules");
  auto report_unlistable = [&](const SourcePos& pos, const std::vector<std::string>& errors) {
    for (const auto& e : errors)
      top.diags().error(pos, "cannot list the rules folder " + e +
                                 " (its rule files would be missing)");
  };
  if (!globs) {
    // Absent (or wrong, already reported): the default, which may well match nothing.
    if (!top.has("rules")) {
      std::vector<std::string> errors;
      files = expand(join_path(dir, "rules.d/*.yaml"), errors);
      report_unlistable(top.pos(), errors);
    }
    return files;
  }
  for (const auto& g : *globs) {
    const std::string pattern = join_path(dir, g.text);
    if (!has_glob_characters(g.text)) {
      // A file named as such is meant to exist: without it the gateway would run without
      // those rules. Other problems (a folder, a FIFO, unreadable) are the rule loader's.
      struct stat st {};
      if (::stat(pattern.c_str(), &st) != 0 && (errno == ENOENT || errno == ENOTDIR))
        top.diags().error(g.pos, "rule file '" + g.text + "' does not exist" +
                                     where_looked(g.text, pattern));
      else
        files.push_back(pattern);
      continue;
    }
    std::vector<std::string> errors;
    const auto found = expand(pattern, errors);
    report_unlistable(g.pos, errors);
    // A typo here would leave the gateway without its control rules: say so, yet a config
    // whose rules are still to be written stays loadable.
    if (found.empty() && errors.empty())
      top.diags().warning(g.pos,
                          "'" + g.text + "' matches no rule file" + where_looked(g.text, pattern));
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::vector<std::string> read_profile_dirs(MapReader& top, const std::string& dir) {
  std::vector<std::string> dirs;
  auto entries = top.placed_text_list("profiles");
  if (!entries) return dirs;
  for (const auto& e : *entries) {
    const std::string path = join_path(dir, e.text);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
      top.diags().warning(
          e.pos, "profile folder '" + e.text + "' does not exist" + where_looked(e.text, path));
    else if (!S_ISDIR(st.st_mode))
      top.diags().warning(
          e.pos, "profile folder '" + e.text + "' is not a folder" + where_looked(e.text, path));
    // Kept even when missing: the folder may appear later (a reload sees it), and the
    // "no profile named ..." error lists the folders searched.
    dirs.push_back(path);
  }
  return dirs;
}

}  // namespace farmgate::config
