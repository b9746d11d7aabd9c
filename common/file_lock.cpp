#include "common/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace farmgate {

bool flock_exclusive(int fd) {
  int rc;
  do rc = ::flock(fd, LOCK_EX | LOCK_NB);
  while (rc == -1 && errno == EINTR);
  return rc == 0;
}

std::string flock_holder(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    // Lines such as "1: FLOCK  ADVISORY  WRITE 1234 00:19:5678 0 EOF" (major:minor in hex,
    // inode in decimal); "->" lines are waiters.
    std::ifstream locks("/proc/locks");
    std::string line;
    while (std::getline(locks, line)) {
      std::istringstream in(line);
      std::string n, kind, mode, access, dev;
      long pid = 0;
      if (!(in >> n >> kind) || kind != "FLOCK" || !(in >> mode >> access >> pid >> dev)) continue;
      unsigned maj = 0, min = 0;
      unsigned long ino = 0;
      if (std::sscanf(dev.c_str(), "%x:%x:%lu", &maj, &min, &ino) != 3) continue;
      if (ino != st.st_ino || maj != major(st.st_dev) || min != minor(st.st_dev)) continue;
      if (pid <= 0) continue;
      std::string comm;
      std::ifstream c("/proc/" + std::to_string(pid) + "/comm");
      std::getline(c, comm);
      return (comm.empty() ? std::string("process") : comm) + " (pid " + std::to_string(pid) + ")";
    }
  }
  return "another process";
}

LockFile& LockFile::operator=(LockFile&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    path_ = std::move(o.path_);
    o.fd_ = -1;
  }
  return *this;
}

LockFile::~LockFile() {
  if (fd_ >= 0) ::close(fd_);  // closing drops the lock
}

LockFile LockFile::acquire(const std::string& path, std::string* error) {
  LockFile l;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (error) *error = "cannot create the lock file " + path + ": " + std::strerror(errno);
    return l;
  }
  if (!flock_exclusive(fd)) {
    if (error) *error = path + " is in use by " + flock_holder(path);
    ::close(fd);
    return l;
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    // Only for people reading the file; the lock is what counts.
    [[maybe_unused]] ssize_t n = ::pwrite(fd, pid.data(), pid.size(), 0);
  }
  l.fd_ = fd;
  l.path_ = path;
  return l;
}

}  // namespace farmgate
