// The SQLite store's ledger chain (migration 2): lines read back in order with any page size,
// across batches, and a version-1 database (lines indexed by member) migrated in place.
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <thread>

#include "domain/ledger/apply.h"
#include "store/codec.h"
#include "support/scratch_dir.h"

namespace fidelis::store {
namespace {

class SqliteLedger : public ::testing::Test {
 protected:
  test_support::ScratchDir dir_;
  std::string path_ = dir_.file("test.db");
};

domain::LedgerLine line(std::uint64_t seq, domain::Points points) {
  domain::LedgerLine result;
  result.seq = seq;
  result.at = core::Timestamp{static_cast<std::int64_t>(seq) * 1'000'000};
  result.kind = domain::LineKind::adjust;
  result.points = points;
  result.event = "e-" + std::to_string(seq);
  result.rule = "adjustment";
  result.lots = {{1, points}};
  result.available_after = points * static_cast<domain::Points>(seq);
  return result;
}

// One batch writing `count` lines for each member, continuing at their next_seq.
Batch lines_batch(std::vector<domain::MemberState>& states, int count, bool first) {
  Batch batch;
  batch.shop = "s";
  if (first) batch.new_shop_secret = "secret";
  for (int k = 0; k < count; ++k) {
    for (auto& state : states) {  // interleaved, as a batch of many members is
      batch.lines.push_back({state.member, line(state.next_seq++, 5)});
    }
  }
  for (const auto& state : states) batch.members.push_back({state, first});
  return batch;
}

std::vector<std::uint64_t> seqs(Store& store, const std::string& member, std::uint64_t after,
                                std::size_t page) {
  std::vector<std::uint64_t> result;
  for (;;) {
    auto lines = store.ledger("s", member, after, page);
    EXPECT_TRUE(lines.ok());
    if (!lines.ok() || lines->empty()) return result;
    EXPECT_LE(lines->size(), page);
    for (const auto& l : *lines) result.push_back(l.seq);
    after = lines->back().seq;
  }
}

TEST_F(SqliteLedger, LinesComeBackInOrderAcrossBatchesAndPages) {
  auto store = std::move(open_sqlite(path_)).value();
  std::vector<domain::MemberState> states = {domain::new_member("a"), domain::new_member("b")};
  for (int batch = 0; batch < 3; ++batch) {
    ASSERT_TRUE(store->begin_write().ok());
    ASSERT_TRUE(store->commit_write({lines_batch(states, batch + 1, batch == 0)}).ok());
  }
  const std::vector<std::uint64_t> all = {1, 2, 3, 4, 5, 6};
  for (const std::size_t page : {1u, 2u, 4u, 100u}) {
    EXPECT_EQ(seqs(*store, "a", 0, page), all) << "page " << page;
    EXPECT_EQ(seqs(*store, "b", 0, page), all) << "page " << page;
  }
  EXPECT_EQ(seqs(*store, "a", 4, 1), (std::vector<std::uint64_t>{5, 6}));
  EXPECT_TRUE(seqs(*store, "a", 6, 10).empty());
  EXPECT_TRUE(seqs(*store, "nobody", 0, 10).empty());
  // A fresh connection (no cached chain heads) continues the same chains.
  auto other = std::move(open_sqlite(path_)).value();
  ASSERT_TRUE(other->begin_write().ok());
  ASSERT_TRUE(other->commit_write({lines_batch(states, 1, false)}).ok());
  EXPECT_EQ(seqs(*other, "a", 0, 3), (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7}));
}

TEST_F(SqliteLedger, RolledBackLinesLeaveNoTrace) {
  auto store = std::move(open_sqlite(path_)).value();
  std::vector<domain::MemberState> states = {domain::new_member("a")};
  ASSERT_TRUE(store->begin_write().ok());
  ASSERT_TRUE(store->commit_write({lines_batch(states, 2, true)}).ok());
  // A batch that fails half-way (its member row does not exist: the update changes nothing).
  std::vector<domain::MemberState> ghost = {states[0], domain::new_member("ghost")};
  ASSERT_TRUE(store->begin_write().ok());
  EXPECT_FALSE(store->commit_write({lines_batch(ghost, 1, false)}).ok());
  // The chain head cached for "a" must not point at the rolled-back line.
  ASSERT_TRUE(store->begin_write().ok());
  ASSERT_TRUE(store->commit_write({lines_batch(states, 1, false)}).ok());
  EXPECT_EQ(seqs(*store, "a", 0, 10), (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST_F(SqliteLedger, VersionOneDatabaseIsMigrated) {
  // Version 1: lines found through an index on (shop, member, seq), no chain.
  (void)std::move(open_sqlite(path_, {.schema_version = 1})).value();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  auto exec = [&](const std::string& sql) {
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << (message ? message : "");
    sqlite3_free(message);
  };
  exec("INSERT INTO shops VALUES ('s', 'secret')");
  for (const char* member : {"a", "b"}) {
    domain::MemberState state = domain::new_member(member);
    state.next_seq = 4;
    std::string blob;
    encode_member(state, blob);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO members (shop, member, state) VALUES ('s', ?, ?)", -1,
                       &stmt, nullptr);
    sqlite3_bind_text(stmt, 1, member, -1, SQLITE_STATIC);
    sqlite3_bind_blob(stmt, 2, blob.data(), static_cast<int>(blob.size()), SQLITE_STATIC);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
  }
  for (int seq = 1; seq <= 3; ++seq) {
    for (const char* member : {"b", "a"}) {
      exec("INSERT INTO ledger VALUES ('s', '" + std::string(member) + "', " + std::to_string(seq) +
           ", 0, 4, 5, 'e', 'adjustment', '1:5', '', '', 0, 5, 0, 0)");
    }
  }
  sqlite3_close(db);

  auto store = std::move(open_sqlite(path_)).value();
  EXPECT_EQ(seqs(*store, "a", 0, 2), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(seqs(*store, "b", 1, 1), (std::vector<std::uint64_t>{2, 3}));
  std::vector<domain::MemberState> states = {domain::new_member("a")};
  states[0].next_seq = 4;
  ASSERT_TRUE(store->begin_write().ok());
  ASSERT_TRUE(store->commit_write({lines_batch(states, 1, false)}).ok());
  EXPECT_EQ(seqs(*store, "a", 0, 10), (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(seqs(*store, "b", 0, 10), (std::vector<std::uint64_t>{1, 2, 3}));
}

}  // namespace
}  // namespace fidelis::store

namespace fidelis::store {
namespace {

// Processes that open a new database at once (the first `fidelis` commands on a machine, racing
// redemptions) each wait for the others' locks and see it migrated exactly once.
TEST_F(SqliteLedger, ConnectionsOpeningANewDatabaseAtOnceAllSucceed) {
  constexpr int kConnections = 8;
  std::vector<std::thread> threads;
  std::vector<int> ok(kConnections, 0);
  std::vector<std::string> why(kConnections);
  for (int i = 0; i < kConnections; ++i) {
    threads.emplace_back([&, i] {
      auto store = open_sqlite(path_);
      ok[i] = store.ok() ? 1 : 0;
      if (!store.ok()) why[i] = store.errors().front().message;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(std::count(ok.begin(), ok.end(), 1), kConnections)
      << "first failure: " << *std::max_element(why.begin(), why.end());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), sqlite_schema_version());
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace
}  // namespace fidelis::store
