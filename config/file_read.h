// Reading a user's file (the main config, a profile, a rule file) without letting the file
// decide how long it takes or how much memory it costs (spec §7 "Files").
//
// Only a regular file is read. The file is opened with O_NONBLOCK and its *open descriptor*
// is fstat'ed, so a FIFO (which would block open() and read() forever), a device such as
// /dev/zero (endless), or a folder is refused by what it is, also when reached through a
// symlink, and no check-then-open race can swap it. A file over the size cap is refused
// before any byte is read. A file that changed while it was read (size, mtime or inode
// differ between the fstat before and after, or the path now names another file: an editor
// that truncates then writes, or one that renames a new file over it) is read again, a
// bounded number of times. Never throws; the reason is phrased for the technician.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace farmgate::config {

inline constexpr std::uint64_t kMaxUserFileBytes = 4u << 20;  // 4 MiB: far above any real file

// What identifies one version of a file: equal stamps taken before and after a read mean
// the bytes read are one version of it.
struct FileStamp {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;

  bool operator==(const FileStamp& o) const;
  bool operator!=(const FileStamp& o) const { return !(*this == o); }
};

struct FileRead {
  bool ok = false;
  std::string bytes;  // the whole file when ok
  std::string error;  // why not: "No such file or directory", "it is a folder, not a file", ...
  FileStamp stamp;    // of the version read
};

FileRead read_regular_file(const std::string& path,
                           std::uint64_t max_bytes = kMaxUserFileBytes);

// The stamp of what `path` names now (following symlinks); false when it cannot be stat'ed.
bool stamp_of(const std::string& path, FileStamp& out);

}  // namespace farmgate::config
