// gateway: and storage:.
#include <sys/stat.h>

#include <cctype>

#include "config/sections.h"
#include "config/yaml_file.h"
#include "config/zone_check.h"

namespace farmgate::config {

bool is_identifier(const std::string& s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (!(std::isalpha(c) || c == '_' || (i > 0 && std::isdigit(c)))) return false;
  }
  return true;
}

namespace {

bool is_gateway_id(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

// The folder systemd creates for the service (StateDirectory=farmgate in
// systemd/farmgate.service, also made by the package's tmpfiles.d entry).
const char* kStateDirectory = "/var/lib/farmgate";

// `run` opens the buffer in an existing folder (the store creates files, not folders) and
// writes the database, its -wal and -shm files and buffer.db.seq beside it.
void check_storage_folder(MapReader& r, const std::string& path, const ServiceUser& user) {
  std::string dir = dir_of(path);
  if (dir.empty()) dir = ".";
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (dir == kStateDirectory) return;  // systemd makes it when the service starts
    r.error_at_value("path", "the storage folder " + dir +
                                 " does not exist: farmgate creates no folder (only systemd "
                                 "creates /var/lib/farmgate for it); create it, owned by " +
                                 user.name);
    return;
  }
  if (std::string why = why_unwritable_folder(user, dir); !why.empty())
    r.error_at_value("path", "the buffer cannot be created in " + dir + " by user " + user.name +
                                 ", the service's account: " + why);
}

}  // namespace

void read_gateway(const Field& field, LoadContext& ctx, Gateway& out) {
  Fields f = Fields::of_map(field.value, ctx.file, ctx.diags, "gateway", field.value_pos());
  if (!f.ok) return;
  MapReader r(f, ctx.diags, {"id", "site", "timezone"});
  if (auto id = r.text("id", Need::required)) {
    if (is_gateway_id(*id))
      out.id = *id;
    else
      r.error_at_value("id", "bad gateway id '" + *id +
                                 "': use lower-case letters, digits, '_' and '-' only (it "
                                 "appears in MQTT topics)");
  }
  out.site = r.text("site").value_or("");
  if (auto tz = r.text("timezone")) {
    // Checked here, not when the daemon starts: a zone it cannot read would run every
    // schedule in UTC with nothing but a log line to say so.
    if (tz->empty())
      out.timezone.clear();
    else if (auto problem = check_zone(*tz, ctx.zoneinfo_dir))
      r.error_at_value("timezone", *problem);
    else
      out.timezone = *tz;
  }
}

void read_storage(const Field& field, LoadContext& ctx, Storage& out) {
  Fields f = Fields::of_map(field.value, ctx.file, ctx.diags, "storage", field.value_pos());
  if (!f.ok) return;
  MapReader r(f, ctx.diags, {"path", "max_size", "commit_interval", "keep_sent"});
  if (auto p = r.text("path")) {
    if (p->empty())
      r.error_at_value("path", "storage path is empty");
    else
      out.path = join_path(ctx.dir, *p);
  }
  if (ctx.service_user) check_storage_folder(r, out.path, *ctx.service_user);
  if (auto s = r.size("max_size")) {
    if (*s < (64u << 10))
      r.error_at_value("max_size", "max_size must be at least 64KiB");
    else
      out.max_size = *s;
  }
  out.commit_interval = r.duration("commit_interval", Duration{1}).value_or(out.commit_interval);
  out.keep_sent = r.duration("keep_sent").value_or(out.keep_sent);
}

}  // namespace farmgate::config
