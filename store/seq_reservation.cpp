#include "store/seq_reservation.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/clock.h"
#include "common/log.h"

namespace farmgate::store {
namespace {

bool write_all(int fd, const std::string& s) {
  std::size_t done = 0;
  while (done < s.size()) {
    ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool fsync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::int64_t clock_seq_floor(std::int64_t now_ms) {
  return wall_clock_plausible(now_ms) ? now_ms * 1000 : 0;
}

SeqReservation::SeqReservation(std::string path) : path_(std::move(path)) {
  std::ifstream in(path_);
  if (!in) return;
  long long v = 0;
  if (in >> v && v >= 0) {
    mark_ = v;
  } else {
    log::warning("store: ignoring unreadable seq mark ", path_);
  }
}

bool SeqReservation::cover(std::int64_t upto) {
  if (upto <= mark_) return true;
  const std::int64_t next = upto + kSeqBlock;
  const std::string tmp = path_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  bool ok = write_all(fd, std::to_string(next) + "\n") && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path_.c_str()) != 0) {
    std::remove(tmp.c_str());
    return false;
  }
  // The rename is durable only once the folder is synced.
  std::string dir = std::filesystem::path(path_).parent_path().string();
  if (!fsync_path(dir.empty() ? "." : dir, O_RDONLY | O_DIRECTORY)) return false;
  mark_ = next;
  return true;
}

}  // namespace farmgate::store
