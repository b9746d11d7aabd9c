// The data-driven corpus: tests/config_cases/<case>/farmgate.yaml next to expected.err, the
// exact diagnostic lines the loader prints (empty: the file is valid), and optionally
// expected.summary, the loaded model in a line-per-object form (summary() below).
// Adding a case is adding a folder. The loader runs from inside the case folder with the
// path "farmgate.yaml", so FILE reads as a user would see it; the source tree's path in
// messages (the shipped profile folder) is written @SOURCE_DIR@. A file `service_user` names
// the account whose file access is judged (`check --user`); without it, none is.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/loader.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using namespace farmgate::config;

namespace {

const std::string kSource = FARMGATE_SOURCE_DIR;

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

std::string where(const SourcePos& p) {
  return "@" + p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.col);
}

std::string ms(farmgate::Duration d) { return std::to_string(d.count()) + "ms"; }

std::string summary(const Config& c) {
  std::ostringstream o;
  o << "gateway id=" << c.gateway.id << " site=" << c.gateway.site
    << " timezone=" << c.gateway.timezone << "\n";
  for (const auto& r : c.rule_files) o << "rule_file " << r << "\n";
  for (const auto& d : c.profile_dirs) o << "profile_dir " << d << "\n";
  o << "storage path=" << c.storage.path << " max_size=" << c.storage.max_size
    << " commit_interval=" << ms(c.storage.commit_interval)
    << " keep_sent=" << ms(c.storage.keep_sent) << "\n";
  if (c.uplink) {
    const auto& u = *c.uplink;
    o << "uplink url=";
    for (std::size_t i = 0; i < u.urls.size(); ++i) o << (i ? "," : "") << u.urls[i];
    o << " client_id=" << u.client_id << " username=" << u.username
      << " password_file=" << u.password_file << " ca_file=" << u.ca_file
      << " cert_file=" << u.cert_file << " key_file=" << u.key_file
      << " topic_prefix=" << u.topic_prefix << " max_batch=" << u.max_batch
      << " publish_interval=" << ms(u.publish_interval)
      << " status_interval=" << ms(u.status_interval)
      << " ack_timeout=" << ms(u.ack_timeout) << " allow_insecure=" << u.allow_insecure
      << " " << where(u.pos) << "\n";
  }
  for (const auto& b : c.buses) {
    o << "bus " << b.name;
    if (b.is_rtu()) {
      const auto& r = std::get<RtuSettings>(b.link);
      o << " rtu device=" << r.device << " baud=" << r.baud << " parity=" << r.parity
        << " data_bits=" << r.data_bits << " stop_bits=" << r.stop_bits << " rs485=" << r.rs485;
    } else {
      const auto& t = std::get<TcpSettings>(b.link);
      o << " tcp host=" << t.host << " port=" << t.port;
    }
    o << " timeout=" << ms(b.timeout) << " gap=" << ms(b.gap) << " retries=" << b.retries << " "
      << where(b.pos) << "\n";
  }
  for (const auto& d : c.devices) {
    o << "device " << d.name << " bus=" << d.bus << " unit=" << d.unit << " poll=" << ms(d.poll)
      << " stale_after=" << ms(d.stale_after) << " max_registers=" << d.max_registers
      << " max_gap=" << d.max_gap << " profile=" << d.profile << " " << where(d.pos) << "\n";
    for (const auto& p : d.points) {
      o << "  point " << p.id << " " << to_string(p.table) << " " << p.address << " "
        << to_string(p.type) << " " << to_string(p.order) << " scale=" << p.scale
        << " offset=" << p.offset << " unit=" << p.unit;
      if (p.valid_min) o << " valid=[" << *p.valid_min << "," << *p.valid_max << "]";
      if (p.precision) o << " precision=" << *p.precision;
      if (p.deadband) o << " deadband=" << *p.deadband << " report_every=" << ms(p.report_every);
      o << " writable=" << p.writable << " " << where(p.pos) << "\n";
    }
  }
  return o.str();
}

struct CaseResult {
  std::string diagnostics;
  std::string summary;
};

CaseResult run_case(const fs::path& dir) {
  const fs::path before = fs::current_path();
  fs::current_path(dir);
  LoadOptions options;
  options.shipped_profile_dirs = {kSource + "/config/profiles"};
  // A case may name the account `check` judges file access by (as `check --user` does).
  if (fs::exists("service_user")) {
    std::string name = farmgate::test::read_file("service_user");
    while (!name.empty() && (name.back() == '\n' || name.back() == ' ')) name.pop_back();
    options.service_user = lookup_service_user(name, nullptr);
    REQUIRE(options.service_user);
  }
  LoadResult r = load("farmgate.yaml", options);
  fs::current_path(before);
  CaseResult out;
  for (const auto& d : r.diagnostics.all()) out.diagnostics += d.str() + "\n";
  out.diagnostics = replace_all(out.diagnostics, kSource, "@SOURCE_DIR@");
  if (r.config) out.summary = replace_all(summary(*r.config), kSource, "@SOURCE_DIR@");
  // The model is present exactly when nothing is an error.
  CHECK(r.config.has_value() == !r.diagnostics.has_errors());
  return out;
}

std::vector<fs::path> cases() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(kSource + "/tests/config_cases"))
    if (fs::exists(e.path() / "farmgate.yaml")) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("every config case prints exactly its expected diagnostics", "[config][cases]") {
  const auto all = cases();
  REQUIRE(all.size() >= 20);
  for (const auto& dir : all) {
    DYNAMIC_SECTION(dir.filename().string()) {
      REQUIRE(fs::exists(dir / "expected.err"));
      const CaseResult got = run_case(dir);
      CHECK(got.diagnostics == farmgate::test::read_file((dir / "expected.err").string()));
      if (fs::exists(dir / "expected.summary")) {
        CHECK(got.summary == farmgate::test::read_file((dir / "expected.summary").string()));
      }
    }
  }
}

// Regenerates the expected files from the loader's output, for reviewing new cases with
// `git diff`: test_config "[.regenerate]".
TEST_CASE("regenerate the expected files of the config cases", "[.regenerate]") {
  for (const auto& dir : cases()) {
    const CaseResult got = run_case(dir);
    std::ofstream(dir / "expected.err") << got.diagnostics;
    if (fs::exists(dir / "expected.summary"))
      std::ofstream(dir / "expected.summary") << got.summary;
  }
}
