#include "daemon/setup.h"

#include <openssl/evp.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "config/loader.h"
#include "config/suggest.h"

namespace farmgate::daemon {
namespace {

// SHA-256 over the files' bytes in order, as lower-case hex: the platform compares it to
// know which configuration a gateway runs.
std::string sha256_of_files(const std::vector<std::string>& files) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    const std::string bytes = s.str();
    EVP_DigestUpdate(ctx, bytes.data(), bytes.size());
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

}  // namespace

Setup load_setup(const std::string& config_path) {
  Setup setup;
  config::LoadResult loaded = config::load(config_path);
  setup.diagnostics.append(loaded.diagnostics);
  if (!loaded.config) return setup;
  rules::RuleLoadResult rules = rules::load_rule_files(loaded.config->rule_files, *loaded.config);
  setup.diagnostics.append(rules.diagnostics);
  if (rules.rules) setup.rules = std::move(*rules.rules);
  std::vector<std::string> files{config_path};
  files.insert(files.end(), loaded.config->rule_files.begin(), loaded.config->rule_files.end());
  setup.fingerprint = sha256_of_files(files);
  setup.config = std::move(loaded.config);
  return setup;
}

void print_diagnostics(const config::Diagnostics& d, std::ostream& out) {
  for (const auto& diag : d.all()) out << diag.str() << "\n";
}

std::optional<config::Config> load_config_or_report(const std::string& config_path) {
  config::LoadResult loaded = config::load(config_path);
  print_diagnostics(loaded.diagnostics, std::cerr);
  if (!loaded.config) std::cerr << config_path << ": invalid\n";
  return std::move(loaded.config);
}

bool check_point_ids(const config::Config& config, const std::vector<std::string>& ids,
                     bool writable, std::ostream& err) {
  std::vector<std::string> known;
  for (const auto& d : config.devices)
    for (const auto& p : d.points) known.push_back(p.id);
  bool ok = true;
  for (const auto& id : ids) {
    const config::Point* p = config.find_point(id);
    if (!p) {
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
