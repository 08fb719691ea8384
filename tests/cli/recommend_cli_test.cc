// `fidelis recommend`: support, confidence and lift on baskets small enough to count by hand,
// replenishment from repeat purchases, and the customer view. Runs the real binary.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/cli_runner.h"

namespace fidelis {
namespace {

class RecommendCli : public test_support::CliTest {
 protected:
  // Baskets: o1 {A,B}, o2 {A,B,C}, o3 {A,C}, o4 {B}, o5 {A,B}; then ann buys FOOD every 30 days,
  // 12 times (11 repeat purchases).
  void SetUp() override {
    std::string orders = "order_id,customer_id,ordered_at,currency,total\n";
    std::string lines = "order_id,sku,quantity,unit_price\n";
    const char* baskets[] = {"A B", "A B C", "A C", "B", "A B"};
    for (int i = 0; i < 5; ++i) {
      const std::string id = "o" + std::to_string(i + 1);
      orders +=
          id + ",c" + std::to_string(i % 3) + ",2025-01-0" + std::to_string(i + 1) + ",EUR,10.00\n";
      for (const char* sku = baskets[i]; *sku; ++sku) {
        if (*sku != ' ') lines += id + "," + std::string(1, *sku) + ",1,5.00\n";
      }
    }
    for (int k = 0; k < 12; ++k) {
      const std::string id = "f" + std::to_string(k);
      char date[16];
      std::snprintf(date, sizeof date, "2024-%02d-%02d", 1 + k * 30 / 31, 1 + k * 30 % 31 % 28);
      orders += id + ",ann," + date + ",EUR,20.00\n";
      lines += id + ",FOOD,1,20.00\n";
    }
    orders_ = write_file("orders.csv", orders);
    lines_ = write_file("lines.csv", lines);
  }
  std::string inputs() const { return "--orders " + orders_ + " --lines " + lines_; }

  std::string orders_, lines_;
};

TEST_F(RecommendCli, SupportConfidenceAndLiftCountedByHand) {
  const auto outcome = run("recommend " + inputs() + " --sku A --min-support 10 --json");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  const auto result = nlohmann::json::parse(outcome.out);
  EXPECT_EQ(result["baskets"], 17);
  EXPECT_EQ(result["baskets_with_sku"], 4);
  const auto& pairs = result["also_bought"];
  ASSERT_EQ(pairs.size(), 2u);
  // A and C: 2 baskets of 17; 2 of A's 4; C is in 2 of 17 → lift 50 / (200/17).
  EXPECT_EQ(pairs[0]["sku"], "C");
  EXPECT_NEAR(pairs[0]["support"].get<double>(), 100.0 * 2 / 17, 1e-9);
  EXPECT_NEAR(pairs[0]["confidence"].get<double>(), 50, 1e-9);
  EXPECT_NEAR(pairs[0]["lift"].get<double>(), 50 / (100.0 * 2 / 17), 1e-9);
  EXPECT_EQ(pairs[1]["sku"], "B");
  EXPECT_NEAR(pairs[1]["confidence"].get<double>(), 75, 1e-9);
  EXPECT_NEAR(pairs[1]["lift"].get<double>(), 75 / (100.0 * 4 / 17), 1e-9);
  // Above the support of A-C (11.8 %) only A-B (17.6 %) is left.
  const auto strict =
      nlohmann::json::parse(run("recommend " + inputs() + " --sku A --min-support 15 --json").out);
  EXPECT_EQ(strict["also_bought"].size(), 1u);
}

TEST_F(RecommendCli, ReplenishmentAndTheCustomerView) {
  const auto food = nlohmann::json::parse(run("recommend " + inputs() + " --sku FOOD --json").out);
  EXPECT_TRUE(food["replenishment"]["replenishable"].get<bool>());
  EXPECT_EQ(food["replenishment"]["repeat_purchases"], 11);
  EXPECT_NEAR(food["replenishment"]["median_gap_days"].get<double>(), 30, 3);

  const auto ann =
      nlohmann::json::parse(run("recommend " + inputs() + " --customer ann --json").out);
  ASSERT_EQ(ann["replenish"].size(), 1u);
  EXPECT_EQ(ann["replenish"][0]["sku"], "FOOD");
  // c0 bought A and B (o1, o4): C is suggested because of A, B is not (bought).
  const auto c0 = nlohmann::json::parse(
      run("recommend " + inputs() + " --customer c0 --min-support 10 --json").out);
  ASSERT_GE(c0["suggestions"].size(), 1u);
  EXPECT_EQ(c0["suggestions"][0]["sku"], "C");
  EXPECT_EQ(c0["suggestions"][0]["because"], "A");

  EXPECT_EQ(run("recommend " + inputs() + " --sku NOPE").exit_code, 4);
  EXPECT_EQ(run("recommend " + inputs() + " --customer nobody").exit_code, 4);
  EXPECT_EQ(run("recommend " + inputs()).exit_code, 1);
  EXPECT_EQ(run("recommend --orders " + orders_ + " --sku A").exit_code, 2);  // no lines
}

}  // namespace
}  // namespace fidelis
