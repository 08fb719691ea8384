// The definitions of docs/reference/analytics.md that the CLI tests do not pin one by one: the
// lifecycle rules, the R-F segment grid, quintile scores with ties, and the value score's range.
#include "analytics/analysis.h"

#include <gtest/gtest.h>

#include <cmath>

namespace fidelis::analytics {
namespace {

TEST(Lifecycle, FirstRuleThatAppliesWins) {
  const AnalysisOptions options;
  auto stage = [&](std::int64_t first, std::int64_t last, double gap, std::int64_t last_gap,
                   double p_alive) {
    return classify_lifecycle(options, {.days_since_first = first,
                                        .days_since_last = last,
                                        .usual_gap_days = gap,
                                        .last_gap_days = last_gap,
                                        .p_alive = p_alive});
  };
  EXPECT_EQ(stage(10, 10, 30, -1, 0.01), Lifecycle::new_customer);  // new beats a low P(alive)
  EXPECT_EQ(stage(400, 10, 30, 30, 0.05), Lifecycle::lapsed);       // P(alive) < 0.1
  EXPECT_EQ(stage(400, 121, 30, 30, 0.9), Lifecycle::lapsed);       // > 4 usual gaps
  EXPECT_EQ(stage(400, 61, 30, 30, 0.9), Lifecycle::at_risk);       // > 2 usual gaps
  EXPECT_EQ(stage(400, 5, 30, 30, 0.4), Lifecycle::at_risk);        // P(alive) < 0.5
  EXPECT_EQ(stage(400, 5, 30, 90, 0.9), Lifecycle::reactivated);    // came back after 3 gaps
  EXPECT_EQ(stage(400, 5, 30, 30, 0.9), Lifecycle::active);
  EXPECT_EQ(stage(400, 5, 30, 30, NAN), Lifecycle::active);  // no model: the gap rules alone
}

TEST(Rfm, SegmentGrid) {
  EXPECT_STREQ(kRfmSegments[rfm_segment(1, 1)], "hibernating");
  EXPECT_STREQ(kRfmSegments[rfm_segment(2, 4)], "at_risk");
  EXPECT_STREQ(kRfmSegments[rfm_segment(2, 5)], "cant_lose_them");
  EXPECT_STREQ(kRfmSegments[rfm_segment(3, 2)], "about_to_sleep");
  EXPECT_STREQ(kRfmSegments[rfm_segment(3, 3)], "need_attention");
  EXPECT_STREQ(kRfmSegments[rfm_segment(3, 5)], "loyal");
  EXPECT_STREQ(kRfmSegments[rfm_segment(4, 4)], "loyal");
  EXPECT_STREQ(kRfmSegments[rfm_segment(4, 1)], "promising");
  EXPECT_STREQ(kRfmSegments[rfm_segment(5, 1)], "new");
  EXPECT_STREQ(kRfmSegments[rfm_segment(4, 3)], "potential_loyalist");
  EXPECT_STREQ(kRfmSegments[rfm_segment(5, 2)], "potential_loyalist");
  EXPECT_STREQ(kRfmSegments[rfm_segment(5, 5)], "champions");
}

// Ten customers: customer k has k orders on days 100-k+1 .. 100 (so recency 0 for all but the
// order counts and spend differ), plus one who bought once long ago.
TEST(Rfm, QuintileScoresCountStrictlySmallerValues) {
  OrderTableBuilder builder;
  builder.table().currency = "EUR";
  for (int k = 1; k <= 10; ++k) {
    const CustomerIndex customer = builder.customer("c" + std::to_string(k));
    for (int i = 0; i < k; ++i) {
      builder.add_order(customer, "o" + std::to_string(k) + "-" + std::to_string(i),
                        (100 - i) * 86400LL, 10'000);
    }
  }
  const OrderTable table = builder.take();
  auto analysis = analyze(table, {});
  ASSERT_TRUE(analysis.ok());
  const CustomerFacts& facts = analysis->customers;
  // F: customer k has k-1 customers with fewer orders: 1 + floor(5 (k-1) / 10).
  for (int k = 1; k <= 10; ++k) {
    EXPECT_EQ(facts.f[k - 1], 1 + 5 * (k - 1) / 10) << "customer " << k;
    EXPECT_EQ(facts.r[k - 1], 1)
        << "all bought on the last day: no one has a strictly longer recency";
  }
  EXPECT_EQ(analysis->repeat_customers, 9);
  for (double score : facts.value_score) {
    EXPECT_GE(score, 0);
    EXPECT_LE(score, 100);
  }
}

}  // namespace
}  // namespace fidelis::analytics
