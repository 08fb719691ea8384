#include "domain/ledger/earning.h"

#include <gtest/gtest.h>

namespace fidelis::domain {
namespace {

Program basic_program() {
  Program program;
  program.name = "test";
  program.earning.rates = {{"*", 1, "1"}};
  return program;
}

OrderPlaced order(std::string_view currency,
                  std::vector<std::pair<std::int64_t, std::int64_t>> lines,
                  std::int64_t discount = 0) {
  OrderPlaced placed;
  placed.order_id = "o1";
  placed.currency = *core::find_currency(currency);
  int i = 0;
  for (const auto& [quantity, price] : lines) {
    placed.lines.push_back({"", "SKU" + std::to_string(i++), "", quantity, price, std::nullopt});
  }
  placed.discount = discount;
  return placed;
}

TEST(Distribute, SharesExactlyByLargestRemainder) {
  EXPECT_EQ(distribute(10, {1, 1, 1}), (std::vector<Points>{4, 3, 3}));
  EXPECT_EQ(distribute(0, {1, 2}), (std::vector<Points>{0, 0}));
  EXPECT_EQ(distribute(5, {0, 0}), (std::vector<Points>{0, 0}));
  EXPECT_EQ(distribute(7, {2, 5}), (std::vector<Points>{2, 5}));
  EXPECT_EQ(distribute(9, {4}), (std::vector<Points>{9}));
  EXPECT_EQ(distribute(9, {0}), (std::vector<Points>{0}));
  EXPECT_EQ(distribute(0, {4}), (std::vector<Points>{0}));
}

TEST(Earning, RoundsOncePerOrderThenSharesToLines) {
  // Three lines of 0.50: each alone earns nothing, together 1.50 earns 1 point.
  auto earning = compute_order_earning(basic_program(), order("EUR", {{1, 50}, {1, 50}, {1, 50}}));
  ASSERT_TRUE(earning.ok());
  EXPECT_EQ(earning->points, 1);
  EXPECT_EQ(earning->lines[0].points + earning->lines[1].points + earning->lines[2].points, 1);
}

TEST(Earning, SubtractsTheDiscountAndIgnoresShippingAndTax) {
  auto placed = order("EUR", {{2, 1990}}, 500);
  placed.shipping = 490;
  placed.tax = 663;
  auto earning = compute_order_earning(basic_program(), placed);
  ASSERT_TRUE(earning.ok());
  EXPECT_EQ(earning->points, 34);  // 39.80 - 5.00 = 34.80, rounded down
  EXPECT_EQ(earning->total_paid, 3980 - 500 + 490 + 663);
}

TEST(Earning, ReadsWildcardRatesInEachCurrencysUnit) {
  EXPECT_EQ(compute_order_earning(basic_program(), order("JPY", {{1, 1990}}))->points, 1990);
  EXPECT_EQ(compute_order_earning(basic_program(), order("KWD", {{1, 12500}}))->points, 12);
}

TEST(Earning, AppliesSkuOverCategoryMultipliers) {
  Program program = basic_program();
  program.earning.category_multipliers["shoes"] = 2 * kMultiplierScale;
  program.earning.sku_multipliers["GIFT"] = 0;
  OrderPlaced placed = order("EUR", {{1, 1000}, {1, 1000}});
  placed.lines[0].category = "shoes";
  placed.lines[1].category = "shoes";
  placed.lines[1].sku = "GIFT";
  auto earning = compute_order_earning(program, placed);
  EXPECT_EQ(earning->points, 20);
  EXPECT_EQ(earning->lines[1].points, 0);
}

TEST(Earning, RefusesCurrenciesWithoutARate) {
  Program program = basic_program();
  program.earning.rates = {{"EUR", 1, "1.00"}};
  EXPECT_EQ(compute_order_earning(program, order("USD", {{1, 100}})).error().code,
            core::ErrorCode::currency_not_in_program);
}

}  // namespace
}  // namespace fidelis::domain
