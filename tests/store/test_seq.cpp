// seq (spec §5): strictly growing over the gateway's life, separate for readings and events.
#include <catch2/catch.hpp>
#include <filesystem>

#include "common/event.h"
#include "store/seq_reservation.h"
#include "tests/store/store_helpers.h"

using namespace farmgate;
using farmgate::test::TempDir;

TEST_CASE("readings and events are numbered separately, from 1, in commit order", "[store]") {
  TempDir dir;
  auto s = test::open_store(test::storage_in(dir));
  s->add(test::reading_no(1));
  s->add(fault_event(test::kT0, "bus", "x"));
  s->add(test::reading_no(2));
  s->add(config_event(test::kT0, true, "ok"));
  s->add(test::reading_no(3));
  REQUIRE(s->commit());
  CHECK(test::seqs_of(s->unsent_readings(0, 100)) == std::vector<std::int64_t>{1, 2, 3});
  auto events = s->unsent_events(0, 100);
  CHECK(test::seqs_of(events) == std::vector<std::int64_t>{1, 2});
  CHECK(events[0].event.type == "fault");
  CHECK(events[1].event.type == "config");
}

TEST_CASE("seqs continue after close and reopen", "[store]") {
  TempDir dir;
  {
    auto s = test::open_store(test::storage_in(dir));
    test::add_and_commit(*s, 1, 5);
    s->add(config_event(test::kT0, true, "a"));
    REQUIRE(s->commit());
  }
  auto s = test::open_store(test::storage_in(dir));
  test::add_and_commit(*s, 6, 7);
  s->add(config_event(test::kT0, true, "b"));
  REQUIRE(s->commit());
  CHECK(test::seqs_of(s->unsent_readings(5, 100)) == std::vector<std::int64_t>{6, 7});
  CHECK(test::seqs_of(s->unsent_events(1, 100)) == std::vector<std::int64_t>{2});
}

TEST_CASE("a seq whose row was deleted is never given again, across restarts", "[store]") {
  TempDir dir;
  {
    auto s = test::open_store(test::storage_in(dir));
    s->add(config_event(test::kT0, true, "a"));
    s->add(config_event(test::kT0, true, "b"));
    REQUIRE(s->commit());
    s->mark_events_sent({1, 2});  // acknowledged events are deleted
    REQUIRE(s->unsent_events(0, 10).empty());
  }
  auto s = test::open_store(test::storage_in(dir));
  s->add(config_event(test::kT0, true, "c"));
  REQUIRE(s->commit());
  CHECK(test::seqs_of(s->unsent_events(0, 10)) == std::vector<std::int64_t>{3});
}

TEST_CASE("the seq mark file reserves a block ahead and is rewritten only past it", "[store]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  auto s = test::open_store(opts);
  test::add_and_commit(*s, 1, 10);
  CHECK(store::SeqReservation(opts.path + ".seq").mark() == 10 + store::kSeqBlock);
  test::add_and_commit(*s, 11, 20);  // inside the block: the mark stays
  CHECK(store::SeqReservation(opts.path + ".seq").mark() == 10 + store::kSeqBlock);
}

TEST_CASE("a lost seq mark file does not reset seqs while the database is healthy", "[store]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  {
    auto s = test::open_store(opts);
    test::add_and_commit(*s, 1, 3);
  }
  std::filesystem::remove(opts.path + ".seq");
  auto s = test::open_store(opts);
  test::add_and_commit(*s, 4, 4);
  CHECK(test::seqs_of(s->unsent_readings(0, 10)) == std::vector<std::int64_t>{1, 2, 3, 4});
  CHECK(store::SeqReservation(opts.path + ".seq").mark() == 4 + store::kSeqBlock);
}

TEST_CASE("a fresh database starts above the reserved mark for readings and events", "[store]") {
  TempDir dir;
  auto opts = test::storage_in(dir);
  dir.write("buffer.db.seq", "5000\n");  // a mark left by an earlier file
  auto s = test::open_store(opts);
  test::add_and_commit(*s, 1, 1);
  s->add(config_event(test::kT0, true, "a"));
  REQUIRE(s->commit());
  CHECK(test::seqs_of(s->unsent_readings(0, 10)) == std::vector<std::int64_t>{5001});
  CHECK(test::seqs_of(s->unsent_events(0, 10)) == std::vector<std::int64_t>{5001});
}
