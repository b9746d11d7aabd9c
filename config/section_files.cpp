// rules: and profiles: — the files and folders the main file points at, relative to it.
#include <glob.h>
#include <sys/stat.h>

#include "config/sections.h"
#include "config/yaml_file.h"

namespace farmgate::config {
namespace {

// The files `pattern` matches, sorted (glob() sorts); none when it matches nothing or the
// folder cannot be read.
std::vector<std::string> expand(const std::string& pattern) {
  std::vector<std::string> files;
  glob_t found{};
  if (::glob(pattern.c_str(), 0, nullptr, &found) == 0)
    for (std::size_t i = 0; i < found.gl_pathc; ++i) files.emplace_back(found.gl_pathv[i]);
  ::globfree(&found);
  return files;
}

// " (looked for DIR/GLOB)" when the path differs from what the user wrote.
std::string where_looked(const std::string& written, const std::string& path) {
  return written == path ? "" : " (looked for " + path + ")";
}

}  // namespace

std::vector<std::string> read_rule_files(MapReader& top, const std::string& dir) {
  std::vector<std::string> files;
  auto globs = top.placed_text_list("rules");
  if (!globs) {
    // Absent (or wrong, already reported): the default, which may well match nothing.
    if (!top.has("rules")) files = expand(join_path(dir, "rules.d/*.yaml"));
    return files;
  }
  for (const auto& g : *globs) {
    const std::string pattern = join_path(dir, g.text);
    const auto found = expand(pattern);
    // A typo here would leave the gateway without its control rules: say so, yet a config
    // whose rules are still to be written stays loadable.
    if (found.empty())
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
