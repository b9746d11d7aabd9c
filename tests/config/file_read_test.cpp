// config::read_regular_file: what a file on disk may be, and what farmgate does with it
// (spec §7 "Files"). Each case is a thing found in the field: an editor's half-saved file,
// a FIFO left by a script, a symlink to a device, a log pasted into the rules folder.
#include "config/file_read.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "tests/support/as_user.h"
#include "tests/support/temp_dir.h"

using namespace farmgate::config;
using farmgate::test::TempDir;

TEST_CASE("a regular file is read whole, with its stamp", "[config][files]") {
  TempDir t;
  const std::string path = t.write("a.yaml", "rules: []\n");
  const FileRead r = read_regular_file(path);
  REQUIRE(r.ok);
  CHECK(r.bytes == "rules: []\n");
  FileStamp now;
  REQUIRE(stamp_of(path, now));
  CHECK(now == r.stamp);
}

TEST_CASE("a FIFO is refused at once instead of blocking the reader", "[config][files]") {
  // No writer ever opens it: a plain open() or read() would wait forever (the daemon's loop
  // froze on SIGHUP this way, and `check` hung).
  TempDir t;
  const std::string path = t.file("rules.yaml");
  REQUIRE(::mkfifo(path.c_str(), 0644) == 0);
  const FileRead r = read_regular_file(path);
  CHECK_FALSE(r.ok);
  CHECK(r.error == "it is a FIFO (named pipe), not a regular file");
}

TEST_CASE("a symlink to /dev/zero is refused as a device, nothing read", "[config][files]") {
  // Read as a stream it never ends: the daemon grew to 3 GB on it.
  TempDir t;
  const std::string path = t.file("rules.yaml");
  REQUIRE(::symlink("/dev/zero", path.c_str()) == 0);
  const FileRead r = read_regular_file(path);
  CHECK_FALSE(r.ok);
  CHECK(r.error == "it is a character device, not a regular file");
  CHECK(r.bytes.empty());
}

TEST_CASE("a folder where a file is expected is refused", "[config][files]") {
  TempDir t;
  const std::string path = t.file("rules.yaml");
  REQUIRE(::mkdir(path.c_str(), 0755) == 0);
  const FileRead r = read_regular_file(path);
  CHECK_FALSE(r.ok);
  CHECK(r.error == "it is a folder, not a file");
}

TEST_CASE("a file over 4 MiB is refused, one of exactly 4 MiB is read", "[config][files]") {
  TempDir t;
  const std::string at_cap = t.write("cap.yaml", std::string(kMaxUserFileBytes, '#'));
  const std::string over = t.write("over.yaml", std::string(kMaxUserFileBytes + 1, '#'));
  const FileRead ok = read_regular_file(at_cap);
  CHECK(ok.ok);
  CHECK(ok.bytes.size() == kMaxUserFileBytes);
  const FileRead refused = read_regular_file(over);
  CHECK_FALSE(refused.ok);
  CHECK(refused.error == "the file is 4194305 bytes, over the limit of 4194304 bytes");
}

TEST_CASE("a file that vanished is refused with the system's reason", "[config][files]") {
  TempDir t;
  const FileRead r = read_regular_file(t.file("gone.yaml"));
  CHECK_FALSE(r.ok);
  CHECK(r.error == "No such file or directory");
}

TEST_CASE("a file its reader may not open is refused with the system's reason",
          "[config][files]") {
  TempDir t;
  ::chmod(t.path().c_str(), 0755);
  const std::string path = t.write("secret.yaml", "rules: []\n");
  ::chmod(path.c_str(), 0600);
  const std::string got = farmgate::test::run_as_nobody([&] {
    const FileRead r = read_regular_file(path);
    return r.ok ? std::string("read") : r.error;
  });
  CHECK(got == "Permission denied");
}

TEST_CASE("a stamp changes when a file is rewritten in place or replaced", "[config][files]") {
  // What a reload compares to know that it read one version of each file.
  TempDir t;
  const std::string path = t.write("a.yaml", "rules: []\n");
  FileStamp first, rewritten, replaced;
  REQUIRE(stamp_of(path, first));
  std::ofstream(path, std::ios::trunc) << "rules: []\n#\n";
  REQUIRE(stamp_of(path, rewritten));
  CHECK(rewritten != first);
  const std::string other = t.write("b.yaml", "rules: []\n#\n");
  REQUIRE(::rename(other.c_str(), path.c_str()) == 0);
  REQUIRE(stamp_of(path, replaced));
  CHECK(replaced != rewritten);
}
