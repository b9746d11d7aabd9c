#include "config/service_access.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace farmgate::config {
namespace {

enum Access { kRead = 4, kWrite = 2, kSearch = 1 };

// The permission bits that apply to `user` for a file with `st`'s owner, group and mode.
bool allowed(const ServiceUser& user, const struct stat& st, int want) {
  if (user.is_root()) return true;  // read, write and search are not checked for root
  int bits;
  if (st.st_uid == user.uid)
    bits = (st.st_mode >> 6) & 7;
  else if (user.in_group(st.st_gid))
    bits = (st.st_mode >> 3) & 7;
  else
    bits = st.st_mode & 7;
  return (bits & want) == want;
}

std::string absolute(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  char cwd[4096];
  if (!::getcwd(cwd, sizeof cwd)) return path;
  return std::string(cwd) + "/" + path;
}

// The folders leading to `path` ("/", "/etc", "/etc/farmgate" for /etc/farmgate/x).
std::vector<std::string> parents(const std::string& abs) {
  std::vector<std::string> out{"/"};
  for (auto slash = abs.find('/', 1); slash != std::string::npos; slash = abs.find('/', slash + 1))
    out.push_back(abs.substr(0, slash));
  return out;
}

// "" when `user` may pass through every folder leading to `abs`, else the first refusal.
std::string why_no_path(const ServiceUser& user, const std::string& abs) {
  for (const auto& dir : parents(abs)) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) return "";  // the caller reports the missing part
    if (!S_ISDIR(st.st_mode)) return dir + " is not a folder";
    if (!allowed(user, st, kSearch))
      return "the folder " + dir + " (" + owner_and_mode(dir) + ") does not let it through";
  }
  return "";
}

}  // namespace

bool ServiceUser::in_group(gid_t g) const {
  return g == gid || std::find(groups.begin(), groups.end(), g) != groups.end();
}

std::optional<ServiceUser> lookup_service_user(const std::string& name, std::string* error) {
  errno = 0;
  const struct passwd* pw = ::getpwnam(name.c_str());
  if (!pw) {
    if (error) *error = "no user '" + name + "' on this system";
    return std::nullopt;
  }
  ServiceUser u;
  u.name = name;
  u.uid = pw->pw_uid;
  u.gid = pw->pw_gid;
  int count = 64;
  std::vector<gid_t> groups(static_cast<std::size_t>(count));
  if (::getgrouplist(name.c_str(), u.gid, groups.data(), &count) < 0) {
    groups.resize(static_cast<std::size_t>(count));
    ::getgrouplist(name.c_str(), u.gid, groups.data(), &count);
  }
  groups.resize(static_cast<std::size_t>(std::max(count, 0)));
  u.groups = std::move(groups);
  return u;
}

std::optional<ServiceUser> default_service_user() {
  if (auto u = lookup_service_user("farmgate", nullptr)) return u;
  if (const struct passwd* pw = ::getpwuid(::geteuid())) {
    if (auto u = lookup_service_user(pw->pw_name, nullptr)) return u;
  }
  return std::nullopt;
}

std::string why_unreadable(const ServiceUser& user, const std::string& path) {
  const std::string abs = absolute(path);
  struct stat st {};
  if (::stat(abs.c_str(), &st) != 0) return std::strerror(errno);
  if (!S_ISREG(st.st_mode)) return "it is not a regular file";
  if (std::string why = why_no_path(user, abs); !why.empty()) return why;
  if (!allowed(user, st, kRead))
    return "it is " + owner_and_mode(abs) + " and user " + user.name + " is neither its owner " +
           "nor in a group allowed to read it";
  return "";
}

std::string why_unwritable_folder(const ServiceUser& user, const std::string& dir) {
  std::string abs = absolute(dir.empty() ? "." : dir);
  // A folder that is missing is created under its nearest existing parent: that one counts.
  struct stat st {};
  std::string existing = abs;
  while (::stat(existing.c_str(), &st) != 0) {
    if (errno != ENOENT) return existing + ": " + std::strerror(errno);
    const auto slash = existing.rfind('/');
    if (slash == std::string::npos || existing == "/") return existing + " does not exist";
    existing = slash == 0 ? "/" : existing.substr(0, slash);
  }
  if (!S_ISDIR(st.st_mode)) return existing + " is not a folder";
  if (std::string why = why_no_path(user, existing + "/x"); !why.empty()) return why;
  if (!allowed(user, st, kWrite | kSearch))
    return "the folder " + existing + " (" + owner_and_mode(existing) + ") is not writable by user " +
           user.name;
  if (::access(existing.c_str(), W_OK) != 0 && errno == EROFS)
    return existing + " is on a read-only file system";
  return "";
}

std::string owner_and_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  std::string owner = std::to_string(st.st_uid), group = std::to_string(st.st_gid);
  if (const struct passwd* pw = ::getpwuid(st.st_uid)) owner = pw->pw_name;
  if (const struct group* gr = ::getgrgid(st.st_gid)) group = gr->gr_name;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  return owner + ":" + group + " " + mode;
}

}  // namespace farmgate::config
