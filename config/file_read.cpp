#include "config/file_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace farmgate::config {
namespace {

// An editor saving in two steps leaves a window of microseconds; a file rewritten
// continuously for this many attempts is refused rather than waited for.
constexpr int kAttempts = 5;

FileStamp from_stat(const struct stat& st) {
  FileStamp s;
  s.dev = st.st_dev;
  s.ino = st.st_ino;
  s.size = st.st_size;
  s.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  s.ctime_ns = static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
  return s;
}

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "it is a folder, not a file";
  if (S_ISFIFO(mode)) return "it is a FIFO (named pipe), not a regular file";
  if (S_ISCHR(mode)) return "it is a character device, not a regular file";
  if (S_ISBLK(mode)) return "it is a block device, not a regular file";
  if (S_ISSOCK(mode)) return "it is a socket, not a regular file";
  return "it is not a regular file";
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

enum class Outcome { done, changed };

Outcome read_once(const std::string& path, std::uint64_t max_bytes, FileRead& out) {
  out = FileRead{};
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
  Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    out.error = std::strerror(errno);  // "No such file or directory", "Permission denied"
    return Outcome::done;
  }
  struct stat before {};
  if (::fstat(fd.get(), &before) != 0) {
    out.error = std::string("fstat: ") + std::strerror(errno);
    return Outcome::done;
  }
  if (!S_ISREG(before.st_mode)) {
    out.error = kind_of(before.st_mode);
    return Outcome::done;
  }
  if (static_cast<std::uint64_t>(before.st_size) > max_bytes) {
    out.error = "the file is " + std::to_string(before.st_size) + " bytes, over the limit of " +
                std::to_string(max_bytes) + " bytes";
    return Outcome::done;
  }
  // Read up to one byte past the cap: a file that grew while read is caught by the stamps,
  // and no amount of growth costs more than the cap in memory.
  std::string bytes;
  bytes.resize(static_cast<std::size_t>(before.st_size) + 1);
  std::size_t got = 0;
  for (;;) {
    if (got == bytes.size()) {
      if (bytes.size() > max_bytes) break;
      bytes.resize(std::min<std::uint64_t>(bytes.size() * 2 + 1, max_bytes + 1));
    }
    const ssize_t n = ::read(fd.get(), &bytes[got], bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      out.error = std::strerror(errno);
      return Outcome::done;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  bytes.resize(got);
  struct stat after {};
  struct stat now {};
  if (::fstat(fd.get(), &after) != 0) return Outcome::changed;
  // The path must still name the file read: an editor may have renamed a new one over it.
  if (::stat(path.c_str(), &now) != 0) return Outcome::changed;
  const FileStamp stamp = from_stat(before);
  if (from_stat(after) != stamp || from_stat(now) != stamp ||
      got != static_cast<std::size_t>(before.st_size))
    return Outcome::changed;
  out.ok = true;
  out.bytes = std::move(bytes);
  out.stamp = stamp;
  return Outcome::done;
}

}  // namespace

bool FileStamp::operator==(const FileStamp& o) const {
  return dev == o.dev && ino == o.ino && size == o.size && mtime_ns == o.mtime_ns &&
         ctime_ns == o.ctime_ns;
}

FileRead read_regular_file(const std::string& path, std::uint64_t max_bytes) {
  FileRead out;
  for (int attempt = 0; attempt < kAttempts; ++attempt)
    if (read_once(path, max_bytes, out) == Outcome::done) return out;
  out = FileRead{};
  out.error = "the file kept changing while it was read (" + std::to_string(kAttempts) +
              " attempts); read again once it is saved";
  return out;
}

bool stamp_of(const std::string& path, FileStamp& out) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  out = from_stat(st);
  return true;
}

}  // namespace farmgate::config
