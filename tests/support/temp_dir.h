// A fresh folder under $TMPDIR (or /tmp), removed with everything in it at scope exit
// unless FARMGATE_KEEP_TEST_DIRS is set (to inspect a failure).
#pragma once

#include <string>

namespace farmgate::test {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "farmgate-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes `text` to path()/name and returns the full path.
  std::string write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

std::string read_file(const std::string& path);

}  // namespace farmgate::test
