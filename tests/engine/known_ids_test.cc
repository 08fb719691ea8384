// The engine's filters of known ids (kFilterAfterLookups) let new ids skip the store lookup. These
// tests ingest enough events into a real SQLite file for the filters to be built, then check that
// every answer that depends on a stored id is still right: duplicates, conflicts, orders placed
// twice, refunds of old orders; synchronous and pipelined; and that replay still verifies.
#include <gtest/gtest.h>

#include <string>

#include "core/time.h"
#include "engine/engine.h"
#include "store/sqlite/sqlite_store.h"
#include "support/scratch_dir.h"

namespace fidelis {
namespace {

constexpr int kOrders = 6000;  // more lookups than kFilterAfterLookups
static_assert(kOrders > static_cast<int>(engine::kFilterAfterLookups));

std::string at(int minute) {
  const core::Timestamp start = *core::parse_rfc3339("2025-01-01T00:00:00Z");
  return core::format_rfc3339(
      core::Timestamp{start.micros + std::int64_t{minute} * 60 * core::kMicrosPerSecond});
}

std::string order_placed(const std::string& event_id, int member, const std::string& order_id,
                         int minute, const std::string& price = "10.00") {
  return R"({"id":")" + event_id + R"(","type":"order.placed","shop":"s","member":"m-)" +
         std::to_string(member) + R"(","occurred_at":")" + at(minute) +
         R"(","data":{"order_id":")" + order_id +
         R"(","currency":"EUR","lines":[{"line_id":"1","sku":"A","quantity":1,"unit_price":")" +
         price + R"("}]}})";
}

class KnownIds : public ::testing::TestWithParam<bool> {
 protected:
  test_support::ScratchDir dir_;
  std::string path_ = dir_.file("test.db");
};

TEST_P(KnownIds, AnswersDependingOnStoredIdsStayRight) {
  const bool pipelined = GetParam();
  auto store = std::move(store::open_sqlite(path_)).value();
  engine::Engine engine(*store);
  if (pipelined) engine.enable_pipeline(std::move(store::open_sqlite(path_)).value());
  ASSERT_TRUE(
      engine
          .activate_program("s",
                            R"({"name":"t","earning":{"rates":{"*":{"points":1,"per":"1"}}},)"
                            R"("pending":{"days":14},"refunds":{"shortfall":"debt"}})",
                            std::nullopt, core::Timestamp{0})
          .ok());
  auto submit = [&](const std::string& json) {
    if (!engine.in_batch()) {
      EXPECT_TRUE(engine.begin_batch().ok());
    }
    return engine.submit(json, "s").outcome;
  };
  auto commit = [&] {
    ASSERT_TRUE((pipelined ? engine.commit_batch_async() : engine.commit_batch()).ok());
  };
  for (int i = 1; i <= kOrders; ++i) {
    ASSERT_EQ(submit(order_placed("e-" + std::to_string(i), i % 50, "o-" + std::to_string(i), i)),
              engine::Outcome::accepted)
        << i;
    if (i % 500 == 0) commit();
  }
  // Inside the open batch, in the batch being written, and long stored.
  for (const int old : {kOrders, 5600, 10}) {
    const std::string id = "e-" + std::to_string(old);
    const std::string order = "o-" + std::to_string(old);
    EXPECT_EQ(submit(order_placed(id, old % 50, order, old)), engine::Outcome::duplicate) << old;
    EXPECT_EQ(submit(order_placed(id, old % 50, order, old, "11.00")), engine::Outcome::conflict)
        << old;
    EXPECT_EQ(submit(order_placed("again-" + id, old % 50, order, kOrders + 1)),
              engine::Outcome::rejected)
        << "order " << order << " placed twice";
    EXPECT_EQ(submit(R"({"id":"refund-)" + id +
                     R"(","type":"order.refunded","shop":"s",)"
                     R"("member":"m-)" +
                     std::to_string(old % 50) + R"(","occurred_at":")" + at(kOrders + 2) +
                     R"(","data":{"order_id":")" + order + R"("}})"),
              engine::Outcome::accepted)
        << "refund of " << order;
    if (old == kOrders) commit();
  }
  EXPECT_EQ(submit(R"({"id":"refund-unknown","type":"order.refunded","shop":"s","member":"m-1",)"
                   R"("occurred_at":")" +
                   at(kOrders + 3) + R"(","data":{"order_id":"o-never"}})"),
            engine::Outcome::rejected);
  ASSERT_TRUE(engine.commit_batch().ok());

  auto check = std::move(store::open_sqlite(path_)).value();
  const auto report = engine::verify_replay(*check, "s");
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->differences.empty());
  EXPECT_EQ(report->inputs, static_cast<std::size_t>(kOrders + 3));
}

// A later session builds its filters from the store: a member stored then, out of every cache
// now, must be found (not created again) once the member filter answers for new members.
TEST_P(KnownIds, StoredMembersAreFoundOnceTheFilterIsBuilt) {
  const bool pipelined = GetParam();
  const std::string program =
      R"({"name":"t","earning":{"rates":{"*":{"points":1,"per":"1"}}},"pending":{"days":14}})";
  auto session = [&](int first, int last, int minute) {
    auto store = std::move(store::open_sqlite(path_)).value();
    engine::Engine engine(*store);
    if (pipelined) engine.enable_pipeline(std::move(store::open_sqlite(path_)).value());
    if (first == 1) {
      ASSERT_TRUE(engine.activate_program("s", program, std::nullopt, core::Timestamp{0}).ok());
    }
    ASSERT_TRUE(engine.begin_batch().ok());
    for (int i = first; i <= last; ++i) {
      // Member i; in the second session members 1..100 come back after 5000 new ones.
      const int member = i > kOrders + 5000 ? i - kOrders - 5000 : i;
      ASSERT_EQ(engine
                    .submit(order_placed("e-" + std::to_string(i), member, "o-" + std::to_string(i),
                                         minute + i),
                            "s")
                    .outcome,
                engine::Outcome::accepted)
          << i;
      if (i % 500 == 0) {
        ASSERT_TRUE((pipelined ? engine.commit_batch_async() : engine.commit_batch()).ok());
        if (!engine.in_batch()) {
          ASSERT_TRUE(engine.begin_batch().ok());
        }
      }
    }
    ASSERT_TRUE(engine.commit_batch().ok());
    if (first != 1) {
      for (int member = 1; member <= 100; ++member) {
        auto state = engine.member("s", "m-" + std::to_string(member));
        ASSERT_TRUE(state.ok() && state->has_value()) << member;
        EXPECT_EQ((*state)->earned, 20) << "member " << member << " lost its first order";
      }
    }
  };
  session(1, kOrders, 0);
  session(kOrders + 1, kOrders + 5100, 0);
  auto check = std::move(store::open_sqlite(path_)).value();
  const auto report = engine::verify_replay(*check, "s");
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->differences.empty());
}

INSTANTIATE_TEST_SUITE_P(Engine, KnownIds, ::testing::Values(false, true), [](const auto& param) {
  return param.param ? "pipelined" : "synchronous";
});

}  // namespace
}  // namespace fidelis
