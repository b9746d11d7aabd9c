// When the disk says no: open throws a clear error, commit() returns false and keeps the queue.
// (Tests run as root, so permission bits cannot make a file unwritable: a file size limit
// (RLIMIT_FSIZE, the kernel's EFBIG, which SQLite sees like a full disk) and a directory in
// the way of the seq mark stand in for a full or read-only disk.)
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>

#include "store/sqlite_store.h"
#include "tests/store/store_helpers.h"

using namespace farmgate;
using farmgate::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string open_error(const config::Storage& opts) {
  try {
    test::open_store(opts);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

// Limits the size any file of this process may grow to, for the scope.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    std::signal(SIGXFSZ, SIG_IGN);  // get EFBIG instead of being killed
    getrlimit(RLIMIT_FSIZE, &old_);
    rlimit lim{bytes, old_.rlim_max};
    setrlimit(RLIMIT_FSIZE, &lim);
  }
  ~FileSizeLimit() { setrlimit(RLIMIT_FSIZE, &old_); }

 private:
  rlimit old_{};
};

}  // namespace

TEST_CASE("open names the path when the buffer's folder is missing", "[store]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  opts.path = dir.file("no/such/folder/buffer.db");
  const std::string err = open_error(opts);
  CHECK(err.find(opts.path) != std::string::npos);
  CHECK(err.find("cannot open the buffer") != std::string::npos);
}

TEST_CASE("a path that is a folder is an error, not a corrupt file to move aside", "[store]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  fs::create_directory(opts.path);
  CHECK(open_error(opts).find(opts.path) != std::string::npos);
  CHECK(fs::is_directory(opts.path));
  for (const auto& e : fs::directory_iterator(dir.path()))  // nothing was moved aside
    CHECK(e.path().filename().string().find(".corrupt-") == std::string::npos);
}

TEST_CASE("commit returns false when the disk refuses the write, and keeps the queue", "[store]") {
  TempDir dir;
  auto s = test::open_store(test::storage_in(dir));
  auto& sq = dynamic_cast<store::SqliteStore&>(*s);
  test::add_and_commit(*s, 1, 10);
  {
    FileSizeLimit limit(256 * 1024);  // this commit needs about 1 MiB of WAL
    for (int i = 11; i <= 20000; ++i) s->add(test::reading_no(i));
    CHECK_FALSE(s->commit());
    CHECK(sq.queued_readings() == 19990);
    CHECK(s->stats().unsent == 10);
    CHECK_FALSE(s->commit());  // still failing, still kept
  }
  REQUIRE(s->commit());  // the disk has room again: everything lands, numbered without holes
  auto unsent = s->unsent_readings(0, 100000);
  REQUIRE(unsent.size() == 20000);
  CHECK(unsent.back().seq == 20000);
  CHECK(unsent.back().reading.ts_ms == test::reading_no(20000).ts_ms);
  CHECK(s->stats().dropped == 0);
}

TEST_CASE("commit returns false and keeps the queue when the seq mark cannot be written",
          "[store]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  fs::create_directory(opts.path + ".seq.tmp");  // the mark's temp file cannot be created
  auto s = test::open_store(opts);
  s->add(test::reading_no(1));
  CHECK_FALSE(s->commit());
  CHECK(s->stats().unsent == 0);
  fs::remove(opts.path + ".seq.tmp");
  REQUIRE(s->commit());
  CHECK(test::seqs_of(s->unsent_readings(0, 10)) == std::vector<std::int64_t>{1});
}

TEST_CASE("a failed commit is a fault in stats() with its reason and since when, until a commit "
          "succeeds",
          "[store]") {
  TempDir dir;
  auto s = test::open_store(test::storage_in(dir));
  test::add_and_commit(*s, 1, 10);
  CHECK(s->stats().fault == std::nullopt);
  std::int64_t since = 0;
  {
    FileSizeLimit limit(256 * 1024);
    for (int i = 11; i <= 20000; ++i) s->add(test::reading_no(i));
    CHECK_FALSE(s->commit());
    auto fault = s->stats().fault;
    REQUIRE(fault);
    CHECK(fault->message.find("cannot write the buffer " + test::storage_in(dir).path) == 0);
    since = fault->since_ms;
    CHECK(since > 0);
    CHECK_FALSE(s->commit());
    REQUIRE(s->stats().fault);
    CHECK(s->stats().fault->since_ms == since);  // one streak, one start
    CHECK(s->queued_readings() == 19990);        // what a stop now would lose
  }
  REQUIRE(s->commit());
  CHECK(s->stats().fault == std::nullopt);
  CHECK(s->queued_readings() == 0);
}
