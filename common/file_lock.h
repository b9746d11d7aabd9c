// Exclusive ownership of a file among processes (spec §7 "one gateway per buffer and per
// serial port"), with flock(2): the kernel drops the lock when the holder dies, even by
// kill -9, so a crash never leaves a stale lock behind, and /proc/locks names the holder.
//
// flock locks belong to an open file description: a second open() of the same file, even in
// the same process, does not share the lock. They are advisory: only farmgate processes
// (and tools that flock, like `flock(1)`) respect them; TIOCEXCL (drivers/modbus/link.h)
// keeps other non-root programs off a serial port.
#pragma once

#include <string>

namespace farmgate {

// Takes an exclusive lock on `fd` without waiting. false when another open file holds one.
bool flock_exclusive(int fd);

// Who holds a flock on the file at `path`: "farmgate (pid 1234)" from /proc/locks and
// /proc/PID/comm; "another process" when the pid cannot be found.
std::string flock_holder(const std::string& path);

// A lock file (created when missing, mode 0644) held, with this process's pid written into
// it for people, from acquire() until destruction. Not copyable; movable.
class LockFile {
 public:
  LockFile() = default;
  LockFile(LockFile&& o) noexcept : fd_(o.fd_), path_(std::move(o.path_)) { o.fd_ = -1; }
  LockFile& operator=(LockFile&& o) noexcept;
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;
  ~LockFile();

  // Held: a LockFile that is held(). Not held: `*error` says why ("... is in use by farmgate
  // (pid 1234)" when another holds it, or the system's reason when it cannot be created).
  static LockFile acquire(const std::string& path, std::string* error);
  bool held() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace farmgate
