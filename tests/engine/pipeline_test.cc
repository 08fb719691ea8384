// The pipelined commit (decision 0006): when the batch being written fails, the batch prepared on
// top of it is void too, nothing of either is stored, and the engine goes on from what the store
// holds. The failure here is the real one the writer refuses: another connection wrote to the
// database after the writer opened it.
#include <gtest/gtest.h>

#include <string>

#include "engine/engine.h"
#include "store/sqlite/sqlite_store.h"
#include "support/scratch_dir.h"

namespace fidelis {
namespace {

constexpr const char* kProgram =
    R"({"name":"t","earning":{"rates":{"*":{"points":1,"per":"1"}}},"pending":{"days":14}})";

std::string order_placed(const std::string& id, const std::string& price) {
  return R"({"id":")" + id +
         R"(","type":"order.placed","shop":"s","member":"m-1",)"
         R"("occurred_at":"2025-01-01T10:00:00Z","data":{"order_id":")" +
         id + R"(","currency":"EUR","lines":[{"sku":"A","quantity":1,"unit_price":")" + price +
         R"("}]}})";
}

TEST(Pipeline, AFailedWriteVoidsTheBatchPreparedOnItAndTheEngineGoesOn) {
  test_support::ScratchDir dir;
  const std::string path = dir.file("test.db");
  auto store = std::move(store::open_sqlite(path)).value();
  engine::Engine engine(*store);
  ASSERT_TRUE(engine.activate_program("s", kProgram, std::nullopt, core::Timestamp{0}).ok());
  engine.enable_pipeline(std::move(store::open_sqlite(path)).value());

  // Another connection writes after the writer opened: the writer refuses its next batch.
  auto other_store = std::move(store::open_sqlite(path)).value();
  engine::Engine other(*other_store);
  ASSERT_TRUE(other.activate_program("other", kProgram, std::nullopt, core::Timestamp{0}).ok());

  ASSERT_TRUE(engine.begin_batch().ok());
  ASSERT_EQ(engine.submit(order_placed("o-1", "10.00"), "s").outcome, engine::Outcome::accepted);
  ASSERT_TRUE(engine.commit_batch_async().ok());  // handed over; its write fails
  ASSERT_TRUE(engine.begin_batch().ok());
  ASSERT_EQ(engine.submit(order_placed("o-2", "20.00"), "s").outcome, engine::Outcome::accepted);
  const auto refused = engine.commit_batch_async();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("another process wrote"), std::string::npos)
      << refused.error().message;
  EXPECT_FALSE(engine.in_batch());

  // Neither batch was stored, so neither id is known: o-1 is new again, with another body.
  ASSERT_TRUE(engine.begin_batch().ok());
  EXPECT_EQ(engine.submit(order_placed("o-1", "30.00"), "s").outcome, engine::Outcome::accepted);
  EXPECT_EQ(engine.submit(order_placed("o-3", "40.00"), "s").outcome, engine::Outcome::accepted);
  ASSERT_TRUE(engine.commit_batch_async().ok());
  ASSERT_TRUE(engine.wait_commit().ok());

  auto check = std::move(store::open_sqlite(path)).value();
  const auto inputs = check->inputs("s", 0, 100);
  ASSERT_TRUE(inputs.ok());
  ASSERT_EQ(inputs->size(), 2u);
  EXPECT_EQ((*inputs)[0].seq, 1);  // the sequence starts again where the store stands
  EXPECT_EQ((*inputs)[0].event_id, "o-1");
  EXPECT_EQ((*inputs)[1].event_id, "o-3");
  const auto member = check->member("s", "m-1");
  ASSERT_TRUE(member.ok());
  ASSERT_TRUE(member->has_value());
  EXPECT_EQ((*member)->pending(), 70);  // 30.00 + 40.00, nothing of the void batches
  const auto report = engine::verify_replay(*check, "s");
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->differences.empty());
}

}  // namespace
}  // namespace fidelis
