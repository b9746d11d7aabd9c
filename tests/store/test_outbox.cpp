// The outbox: what commit() makes visible, what mark_*_sent takes away, stats, replay, pruning.
#include <catch2/catch.hpp>

#include "common/event.h"
#include "store/sqlite_store.h"
#include "tests/store/store_helpers.h"

using namespace farmgate;
using farmgate::test::TempDir;

namespace {
store::SqliteStore& sqlite_of(store::Store& s) { return dynamic_cast<store::SqliteStore&>(s); }
}  // namespace

TEST_CASE("nothing added is visible before commit, everything after", "[store]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  auto s = test::open_store(opts);
  for (int i = 1; i <= 50; ++i) s->add(test::reading_no(i));
  s->add(config_event(test::kT0, true, "a"));
  CHECK(s->unsent_readings(0, 100).empty());
  CHECK(s->unsent_events(0, 100).empty());
  CHECK(s->stats().unsent == 0);
  CHECK(test::query(opts.path, "SELECT count(*) FROM readings") == "0");
  REQUIRE(s->commit());
  CHECK(s->unsent_readings(0, 100).size() == 50);
  CHECK(s->unsent_events(0, 100).size() == 1);
  CHECK(test::query(opts.path, "SELECT count(*) FROM readings") == "50");
}

TEST_CASE("one commit writes the whole queue in one transaction", "[store]") {
  TempDir dir;
  auto s = test::open_store(test::storage_in(dir));
  auto& sq = sqlite_of(*s);
  for (int i = 1; i <= 1000; ++i) s->add(test::reading_no(i));
  for (int i = 0; i < 5; ++i) s->add(config_event(test::kT0, true, "e"));
  const auto before = sq.transactions();
  REQUIRE(s->commit());
  CHECK(sq.transactions() == before + 1);
  CHECK(s->commit());  // nothing queued: no transaction at all
  CHECK(sq.transactions() == before + 1);
}

TEST_CASE("a reading keeps every field through the buffer", "[store]") {
  TempDir dir;
  auto s = test::open_store(test::storage_in(dir));
  Reading good = test::reading_no(1);
  Reading flag;
  flag.point = "pond1_relay.aerator";
  flag.ts_ms = test::kT0 + 5;
  flag.value = 1;
  flag.boolean = true;
  flag.quality = Quality::good;
  Reading bad = test::reading_no(2);
  bad.value = 99.5;
  bad.quality = Quality::bad;
  bad.error = "outside valid [0, 25]";
  Reading err;
  err.point = "pond1_do.do";
  err.unit = "mg/L";
  err.ts_ms = test::kT0 + 7;
  err.quality = Quality::error;
  err.error = "timeout";
  for (const auto& r : {good, flag, bad, err}) s->add(r);
  REQUIRE(s->commit());
  auto out = s->unsent_readings(0, 10);
  REQUIRE(out.size() == 4);
  const Reading* want[] = {&good, &flag, &bad, &err};
  for (std::size_t i = 0; i < 4; ++i) {
    const Reading& got = out[i].reading;
    CHECK(got.point == want[i]->point);
    CHECK(got.ts_ms == want[i]->ts_ms);
    CHECK(got.value == want[i]->value);
    CHECK(got.boolean == want[i]->boolean);
    CHECK(got.unit == want[i]->unit);
    CHECK(got.quality == want[i]->quality);
    CHECK(got.error == want[i]->error);
  }
  CHECK_FALSE(out[3].reading.value.has_value());
}

TEST_CASE("every field survives the many-row inserts in order whatever the queue's length",
          "[store]") {
  // commit() inserts readings 32 to a statement and the rest one by one: lengths around
  // the boundary, and an error text in one slot of a statement but not in the same slot of
  // the next (a binding must not carry over).
  const std::size_t length = GENERATE(1, 31, 32, 33, 64, 100);
  TempDir dir;
  auto s = test::open_store(test::storage_in(dir));
  std::vector<Reading> in;
  for (std::size_t i = 0; i < length; ++i) {
    Reading r = test::reading_no(static_cast<std::int64_t>(i + 1));
    switch ((i + i / 32) % 3) {  // the kinds shift by one slot from one statement to the next
      case 0: break;
      case 1:
        r.quality = Quality::bad;
        r.error = "outside valid [0, 25] #" + std::to_string(i);
        break;
      case 2:
        r.quality = Quality::error;
        r.value.reset();
        r.error = "timeout #" + std::to_string(i);
        break;
    }
    if (i % 5 == 0) r.point = "pond2_do.do";  // a second point id among them
    in.push_back(r);
    s->add(r);
  }
  REQUIRE(s->commit());
  const auto out = s->unsent_readings(0, 1000);
  REQUIRE(out.size() == length);
  for (std::size_t i = 0; i < length; ++i) {
    INFO("reading " << i << " of " << length);
    CHECK(out[i].seq == static_cast<std::int64_t>(i + 1));
    CHECK(out[i].reading.point == in[i].point);
    CHECK(out[i].reading.ts_ms == in[i].ts_ms);
    CHECK(out[i].reading.value == in[i].value);
    CHECK(out[i].reading.quality == in[i].quality);
    CHECK(out[i].reading.error == in[i].error);
  }
  // The next commit numbers on from the last seq of the statement that ended the first.
  s->add(test::reading_no(1000));
  REQUIRE(s->commit());
  CHECK(s->unsent_readings(static_cast<std::int64_t>(length), 10).front().seq ==
        static_cast<std::int64_t>(length + 1));
}

TEST_CASE("marked readings leave the unsent set, and the rest stay oldest first", "[store]") {
  TempDir dir;
  auto s = test::open_store(test::storage_in(dir));
  test::add_and_commit(*s, 1, 6);
  s->mark_readings_sent({1, 2, 4});
  CHECK(test::seqs_of(s->unsent_readings(0, 100)) == std::vector<std::int64_t>{3, 5, 6});
  auto st = s->stats();
  CHECK(st.unsent == 3);
  CHECK(st.oldest_unsent_ts == test::kT0 + 3000);
  s->mark_readings_sent({3, 5, 6});
  CHECK(s->unsent_readings(0, 100).empty());
  CHECK(s->stats().unsent == 0);
  CHECK_FALSE(s->stats().oldest_unsent_ts.has_value());
}

TEST_CASE("after_seq and limit page through the outbox", "[store]") {
  TempDir dir;
  auto s = test::open_store(test::storage_in(dir));
  test::add_and_commit(*s, 1, 10);
  CHECK(test::seqs_of(s->unsent_readings(0, 4)) == std::vector<std::int64_t>{1, 2, 3, 4});
  CHECK(test::seqs_of(s->unsent_readings(4, 4)) == std::vector<std::int64_t>{5, 6, 7, 8});
  CHECK(test::seqs_of(s->unsent_readings(8, 4)) == std::vector<std::int64_t>{9, 10});
  CHECK(s->unsent_readings(10, 4).empty());
  for (int i = 0; i < 5; ++i) s->add(config_event(test::kT0 + i, true, "e"));
  REQUIRE(s->commit());
  CHECK(test::seqs_of(s->unsent_events(2, 2)) == std::vector<std::int64_t>{3, 4});
}

TEST_CASE("marked events leave the buffer and stats count the rest", "[store]") {
  TempDir dir;
  auto s = test::open_store(test::storage_in(dir));
  for (int i = 0; i < 3; ++i) s->add(fault_event(test::kT0 + i, "bus", "down", "", "rs485-1"));
  REQUIRE(s->commit());
  CHECK(s->stats().unsent_events == 3);
  s->mark_events_sent({2});
  auto left = s->unsent_events(0, 10);
  CHECK(test::seqs_of(left) == std::vector<std::int64_t>{1, 3});
  CHECK(left[0].event.fields["bus"] == "rs485-1");
  CHECK(left[0].event.ts_ms == test::kT0);
  CHECK(s->stats().unsent_events == 2);
}

TEST_CASE("readings_between returns sent and unsent readings in ts order", "[store]") {
  TempDir dir;
  auto s = test::open_store(test::storage_in(dir));
  s->add(test::reading_no(5));
  s->add(test::reading_no(1));
  s->add(test::reading_no(3));
  s->add(test::reading_no(9));
  REQUIRE(s->commit());
  s->mark_readings_sent({2});
  auto got = s->readings_between(test::kT0 + 1000, test::kT0 + 9000);  // 9 excluded
  REQUIRE(got.size() == 3);
  CHECK(got[0].ts_ms == test::kT0 + 1000);
  CHECK(got[1].ts_ms == test::kT0 + 3000);
  CHECK(got[2].ts_ms == test::kT0 + 5000);
}

TEST_CASE("sent readings older than keep_sent are pruned at commit, unsent ones never", "[store]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  opts.keep_sent = Duration(3600 * 1000);
  auto s = test::open_store(opts);
  const std::int64_t now = wall_ms();
  for (std::int64_t age_h : {5, 4, 3, 0}) {  // seqs 1..4
    Reading r = test::reading_no(1);
    r.ts_ms = now - age_h * 3600 * 1000;
    s->add(r);
  }
  REQUIRE(s->commit());
  s->mark_readings_sent({1, 2, 4});  // 3 stays unsent although old
  s->add(test::reading_no(1));       // the next commit prunes
  REQUIRE(s->commit());
  auto all = s->readings_between(0, now + 1);
  REQUIRE(all.size() == 3);  // seq 3 (unsent, old), seq 4 (sent, new), seq 5 (kT0: unsent)
  CHECK(test::seqs_of(s->unsent_readings(0, 10)) == std::vector<std::int64_t>{3, 5});
}

TEST_CASE("the in-memory queue is capped and its overflow counted as dropped", "[store]") {
  TempDir dir;
  auto s = test::open_store(test::storage_in(dir));
  const auto n = static_cast<std::int64_t>(store::kMaxQueuedReadings);
  for (std::int64_t i = 1; i <= n + 10; ++i) s->add(test::reading_no(i));
  CHECK(sqlite_of(*s).queued_readings() == store::kMaxQueuedReadings);
  CHECK(s->stats().dropped == 10);
  REQUIRE(s->commit());
  auto first = s->unsent_readings(0, 1);
  REQUIRE(first.size() == 1);
  CHECK(first[0].reading.ts_ms == test::reading_no(11).ts_ms);  // the oldest 10 went
  CHECK(s->stats().dropped == 10);
  CHECK(s->stats().unsent == n);
}

TEST_CASE("closing the store commits what is still queued", "[store]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  {
    auto s = test::open_store(opts);
    s->add(test::reading_no(1));
    s->add(config_event(test::kT0, true, "bye"));
  }
  auto s = test::open_store(opts);
  CHECK(s->unsent_readings(0, 10).size() == 1);
  CHECK(s->unsent_events(0, 10).size() == 1);
}

TEST_CASE("an event with invalid UTF-8 is stored, not a reason for every commit to fail",
          "[store]") {
  TempDir dir;
  auto s = test::open_store(test::storage_in(dir));
  s->add(fault_event(test::kT0, "device", std::string("CRC \xff\xfe garbage"), "pond1_do"));
  REQUIRE(s->commit());
  auto events = s->unsent_events(0, 10);
  REQUIRE(events.size() == 1);
  CHECK(events[0].event.fields["device"] == "pond1_do");
}
