// Both stores find members by their whole email, ASCII case ignored, in id order, within one
// shop; a profile update replaces the email searched.
#include <gtest/gtest.h>

#include "store/memory/memory_store.h"
#include "store/sqlite/sqlite_store.h"
#include "support/scratch_dir.h"

namespace fidelis::store {
namespace {

Profile with_email(const std::string& member, const std::string& email) {
  Profile profile;
  profile.member = member;
  profile.email = email;
  profile.updated_at = core::Timestamp{1};
  return profile;
}

void expect_search_works(Store& store) {
  Batch first;
  first.shop = "s";
  first.new_shop_secret = "secret";
  first.profiles = {with_email("m2", "Ana@Example.com"), with_email("m1", "ana@example.com"),
                    with_email("m3", "bob@example.com")};
  Batch other;
  other.shop = "t";
  other.new_shop_secret = "secret";
  other.profiles = {with_email("m9", "ana@example.com")};
  ASSERT_TRUE(store.begin_write().ok());
  ASSERT_TRUE(store.commit_write({first, other}).ok());
  EXPECT_EQ(*store.members_with_email("s", "ANA@example.COM"),
            (std::vector<std::string>{"m1", "m2"}));
  EXPECT_TRUE(store.members_with_email("s", "ana@example")->empty());
  Batch moved;
  moved.shop = "s";
  moved.profiles = {with_email("m1", "new@example.com")};
  ASSERT_TRUE(store.begin_write().ok());
  ASSERT_TRUE(store.commit_write({moved}).ok());
  EXPECT_EQ(*store.members_with_email("s", "ana@example.com"), (std::vector<std::string>{"m2"}));
  EXPECT_EQ(*store.members_with_email("t", "ana@example.com"), (std::vector<std::string>{"m9"}));
}

TEST(ProfileSearch, SqliteStore) {
  test_support::ScratchDir dir;
  auto store = open_sqlite(dir.file("search.db"));
  ASSERT_TRUE(store.ok());
  expect_search_works(**store);
}

TEST(ProfileSearch, MemoryStore) {
  auto store = make_memory_store();
  expect_search_works(*store);
}

}  // namespace
}  // namespace fidelis::store
