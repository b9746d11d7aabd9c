#include "daemon/setup.h"

#include <openssl/evp.h>

#include <iostream>

#include "common/log.h"
#include "config/file_read.h"
#include "config/loader.h"
#include "config/suggest.h"

namespace farmgate::daemon {
namespace {

// A reload must read one version of the set of files; an editor or a deployment tool may be
// writing any of them meanwhile. This many tries, then the reload is refused.
constexpr int kSnapshotAttempts = 3;

// SHA-256 over the files' bytes in order, as lower-case hex: the platform compares it to
// know which configuration a gateway runs. Read like the loaders read (regular files, capped),
// so a FIFO or /dev/zero named here cannot hang or bloat it; false when a file cannot be read.
bool sha256_of_files(const std::vector<std::string>& files, std::string& out) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  bool ok = true;
  for (const auto& f : files) {
    const config::FileRead file = config::read_regular_file(f);
    ok = ok && file.ok;
    EVP_DigestUpdate(ctx, file.bytes.data(), file.bytes.size());
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  static const char* hex = "0123456789abcdef";
  out.clear();
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return ok;
}

// What each file is now; a file that cannot be stat'ed has an empty stamp.
std::vector<config::FileStamp> stamps(const std::vector<std::string>& files) {
  std::vector<config::FileStamp> out(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) config::stamp_of(files[i], out[i]);
  return out;
}

// One attempt; `consistent` is false when a file changed between its first stat and the end.
Setup load_once(const std::string& config_path, const config::LoadOptions& options,
                bool& consistent) {
  Setup setup;
  std::vector<std::string> files{config_path};
  std::vector<config::FileStamp> before = stamps(files);
  config::LoadResult loaded = config::load(config_path, options);
  setup.diagnostics.append(loaded.diagnostics);
  const std::vector<config::FileStamp> rule_stamps = stamps(loaded.rule_files);
  files.insert(files.end(), loaded.rule_files.begin(), loaded.rule_files.end());
  before.insert(before.end(), rule_stamps.begin(), rule_stamps.end());
  if (loaded.config) {
    rules::RuleLoadResult rules = rules::load_rule_files(loaded.rule_files, *loaded.config);
    setup.diagnostics.append(rules.diagnostics);
    if (rules.rules) setup.rules = std::move(*rules.rules);
  } else {
    // Listed with the main file's errors, so that one `check` shows everything to fix.
    setup.diagnostics.append(rules::check_rule_files_readable(loaded.rule_files));
  }
  const bool read_all = sha256_of_files(files, setup.fingerprint);
  consistent = stamps(files) == before && (read_all || setup.diagnostics.has_errors());
  setup.config = std::move(loaded.config);
  return setup;
}

}  // namespace

Setup load_setup(const std::string& config_path, const config::LoadOptions& options) {
  Setup setup;
  for (int attempt = 0; attempt < kSnapshotAttempts; ++attempt) {
    bool consistent = false;
    try {
      setup = load_once(config_path, options, consistent);
    } catch (const std::exception& e) {
      // Ours, not the user's: still a diagnostic, never a dead daemon.
      setup = Setup{};
      setup.diagnostics.error({config_path, 1, 1},
                              std::string("internal error while loading: ") + e.what());
      return setup;
    }
    if (consistent) return setup;
  }
  setup.diagnostics.error({config_path, 1, 1},
                          "the config or rule files kept changing while they were read (" +
                              std::to_string(kSnapshotAttempts) +
                              " attempts); load again once they are saved");
  return setup;
}

void print_diagnostics(const config::Diagnostics& d, std::ostream& out) {
  config::print_with_source(d, out);
}

void log_diagnostic(const config::Diagnostic& d) {
  log::write(d.severity == config::Diagnostic::Severity::error ? log::Level::error
                                                               : log::Level::warning,
             d.located());
}

std::optional<config::Config> load_config_or_report(const std::string& config_path) {
  config::LoadResult loaded = config::load(config_path);
  print_diagnostics(loaded.diagnostics, std::cerr);
  if (!loaded.config) std::cerr << config_path << ": invalid\n";
  return std::move(loaded.config);
}

namespace {

// "pond1_do.do, pond1_do.temp": what to type instead of a device's bare name.
std::string point_ids_of(const config::Device& device) {
  std::string out;
  for (const auto& p : device.points) out += (out.empty() ? "" : ", ") + p.id;
  return out;
}

const config::Device* find_device(const config::Config& config, const std::string& name) {
  for (const auto& d : config.devices)
    if (d.name == name) return &d;
  return nullptr;
}

}  // namespace

bool check_point_ids(const config::Config& config, const std::vector<std::string>& ids,
                     bool writable, std::ostream& err) {
  std::vector<std::string> known;
  for (const auto& d : config.devices)
    for (const auto& p : d.points) known.push_back(p.id);
  bool ok = true;
  for (const auto& id : ids) {
    const config::Point* p = config.find_point(id);
    const config::Device* device = p ? nullptr : find_device(config, id);
    if (device) {
      err << "error: '" << id << "' is a device; a point is DEVICE.POINT: "
          << point_ids_of(*device) << "\n";
      ok = false;
    } else if (!p) {
      err << "error: no point '" << id << "' in " << config.path << config::did_you_mean(id, known)
          << "\n";
      ok = false;
    } else if (writable && !p->writable) {
      err << "error: " << id << " is not writable (set `writable: true` on a coil or holding point)\n";
      ok = false;
    }
  }
  return ok;
}

}  // namespace farmgate::daemon
