// Every relative link in README.md and docs/*.md must point at a file or folder that exists:
// a technician following the quickstart offline has nothing else to go by.
#include <dirent.h>
#include <sys/stat.h>

#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.h"

namespace farmgate::test {
namespace {

const std::string kSource = FARMGATE_SOURCE_DIR;

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// The Markdown files of one folder of the source tree.
void add_markdown_of(const std::string& folder, std::vector<std::string>& files) {
  if (DIR* d = ::opendir((kSource + "/" + folder).c_str())) {
    while (dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name.size() > 3 && name.compare(name.size() - 3, 3, ".md") == 0)
        files.push_back(kSource + "/" + folder + "/" + name);
    }
    ::closedir(d);
  }
}

std::vector<std::string> doc_files() {
  std::vector<std::string> files{kSource + "/README.md"};
  add_markdown_of("docs", files);
  add_markdown_of("docs/zh", files);  // the translations for technicians
  return files;
}

// Relative link targets of a Markdown text: [text](target) and [text](target "title"),
// without the #anchor; absolute URLs, mailto: and pure anchors are left out. Code spans and
// fenced blocks are skipped (a `[x](y)` in an example is not a link).
std::vector<std::string> relative_links(const std::string& markdown) {
  std::string text;
  bool fenced = false;
  size_t start = 0;
  while (start < markdown.size()) {
    size_t end = markdown.find('\n', start);
    if (end == std::string::npos) end = markdown.size();
    std::string line = markdown.substr(start, end - start);
    if (line.rfind("```", 0) == 0) fenced = !fenced;
    else if (!fenced) text += std::regex_replace(line, std::regex("`[^`]*`"), "") + "\n";
    start = end + 1;
  }
  std::vector<std::string> out;
  static const std::regex link(R"(\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), link); it != std::sregex_iterator(); ++it) {
    std::string target = (*it)[1];
    if (target.empty() || target[0] == '#') continue;
    if (std::regex_search(target, std::regex("^[a-zA-Z][a-zA-Z0-9+.-]*:"))) continue;  // http:, mailto:
    target = target.substr(0, target.find('#'));
    out.push_back(target);
  }
  return out;
}

}  // namespace

TEST_CASE("docs: the link finder sees relative links and skips URLs, anchors and code") {
  auto links = relative_links(
      "see [config](config.md#gateway) and [rules](rules.md \"Rules\"), [web](https://x.org),\n"
      "[top](#top), `[not](a-link.md)`\n```\n[nor](this.md)\n```\n[schema](schemas/cmd.schema.json)\n");
  CHECK(links == std::vector<std::string>{"config.md", "rules.md", "schemas/cmd.schema.json"});
}

TEST_CASE("docs: every relative link in README.md, docs/*.md and docs/zh/*.md points at an "
          "existing file") {
  const auto files = doc_files();
  REQUIRE(files.size() >= 6);  // README + config, profiles, quickstart, rules, mqtt, troubleshooting
  size_t checked = 0;
  for (const auto& file : files) {
    const std::string dir = file.substr(0, file.rfind('/'));
    for (const auto& target : relative_links(read_file(file))) {
      INFO(file << " links to " << target);
      CHECK(exists(target[0] == '/' ? kSource + target : dir + "/" + target));
      ++checked;
    }
  }
  CHECK(checked > 10);  // the docs do link to each other
}

}  // namespace farmgate::test
