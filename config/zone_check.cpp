#include "config/zone_check.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "config/suggest.h"

namespace farmgate::config {
namespace {

namespace fs = std::filesystem;

bool is_zone_file(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return false;
  std::ifstream in(p, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::string(magic, 4) == "TZif";
}

// Every zone name installed ("Asia/Shanghai", "UTC"), without the posix/ and right/ copies.
std::vector<std::string> installed_zones(const std::string& zoneinfo_dir) {
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(zoneinfo_dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string rel = fs::relative(it->path(), zoneinfo_dir, ec).generic_string();
    if (ec) break;
    if (it->is_directory(ec)) {
      if (rel == "posix" || rel == "right") it.disable_recursion_pending();
      continue;
    }
    if (is_zone_file(it->path())) out.push_back(rel);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// " (did you mean 'Asia/Shanghai'?)" over the installed zones, ignoring case ("asia/shanghai").
std::string suggestion(const std::string& name, const std::string& zoneinfo_dir) {
  const std::vector<std::string> zones = installed_zones(zoneinfo_dir);
  std::vector<std::string> lowered;
  for (const auto& z : zones) lowered.push_back(lower(z));
  const std::string best = closest(name, lowered);
  if (best.empty()) return " (expected a zone name such as 'Asia/Shanghai' or 'UTC')";
  const auto at = std::find(lowered.begin(), lowered.end(), best) - lowered.begin();
  return " (did you mean '" + zones[static_cast<std::size_t>(at)] + "'?)";
}

bool well_formed(const std::string& name) {
  if (name.front() == '/' || name.back() == '/') return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    const auto slash = name.find('/', start);
    const std::string part = name.substr(start, slash == std::string::npos ? slash : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

}  // namespace

std::optional<std::string> check_zone(const std::string& name, const std::string& zoneinfo_dir) {
  if (!well_formed(name))
    return "bad time zone '" + name + "': expected a zone name such as 'Asia/Shanghai' or 'UTC'";
  std::error_code ec;
  if (!fs::is_directory(zoneinfo_dir, ec))
    return "cannot check time zone '" + name + "': there is no " + zoneinfo_dir +
           " (install the tzdata package)";
  const fs::path file = fs::path(zoneinfo_dir) / name;
  if (is_zone_file(file)) return std::nullopt;
  if (fs::is_regular_file(file, ec))
    return "unknown time zone '" + name + "': " + file.string() + " is not a zone file";
  return "unknown time zone '" + name + "'" + suggestion(name, zoneinfo_dir);
}

}  // namespace farmgate::config
