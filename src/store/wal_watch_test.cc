// The WAL watch tells a commit by any connection, without a transaction of its own.
#include "store/sqlite/wal_watch.h"

#include <gtest/gtest.h>

#include "domain/ledger/apply.h"
#include "store/sqlite/sqlite_store.h"
#include "support/scratch_dir.h"

namespace fidelis::store {
namespace {

// Commits one member state through `store`.
void commit_member(Store& store, const std::string& member, bool first) {
  Batch batch;
  batch.shop = "s";
  if (first) batch.new_shop_secret = "secret";
  batch.members.push_back({domain::new_member(member), true});
  ASSERT_TRUE(store.begin_write().ok());
  ASSERT_TRUE(store.commit_write({batch}).ok());
}

TEST(WalWatch, SeesEveryCommitOfAnyConnection) {
  test_support::ScratchDir dir;
  const std::string path = dir.file("watched.db");
  EXPECT_EQ(WalWatch::open(path), nullptr);  // no database, no log to watch
  auto writer = std::move(open_sqlite(path)).value();
  auto watch = WalWatch::open(path);
  ASSERT_NE(watch, nullptr);
  EXPECT_TRUE(watch->unchanged());
  commit_member(*writer, "a", true);
  EXPECT_FALSE(watch->unchanged());  // told once
  EXPECT_TRUE(watch->unchanged());
  // A commit through another connection is told too.
  auto other = std::move(open_sqlite(path)).value();
  commit_member(*other, "b", false);
  EXPECT_FALSE(watch->unchanged());
  EXPECT_TRUE(watch->unchanged());
  EXPECT_FALSE(watch->broken());
  // The last connection closing deletes the log: the watch breaks and says so for good.
  writer.reset();
  other.reset();
  EXPECT_FALSE(watch->unchanged());
  EXPECT_TRUE(watch->broken());
  EXPECT_FALSE(watch->unchanged());
}

}  // namespace
}  // namespace fidelis::store
