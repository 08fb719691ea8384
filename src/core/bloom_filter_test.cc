#include "core/bloom_filter.h"

#include <gtest/gtest.h>

#include <string>

namespace fidelis::core {
namespace {

TEST(BloomFilter, NeverForgetsAnItem) {
  BloomFilter filter(50'000);
  for (int i = 0; i < 50'000; ++i) filter.add("evt-" + std::to_string(i));
  for (int i = 0; i < 50'000; ++i) EXPECT_TRUE(filter.maybe_contains("evt-" + std::to_string(i)));
  EXPECT_TRUE(filter.full());
}

TEST(BloomFilter, FalsePositivesStayNearOnePercentAtCapacity) {
  BloomFilter filter(100'000);
  for (int i = 0; i < 100'000; ++i) filter.add("order-" + std::to_string(i));
  int positives = 0;
  for (int i = 0; i < 100'000; ++i)
    positives += filter.maybe_contains("other-" + std::to_string(i));
  EXPECT_LT(positives, 2'000);  // 10 bits and 7 probes per item: ~0.8 % expected
}

TEST(BloomFilter, EmptyFilterContainsNothing) {
  const BloomFilter filter;
  EXPECT_FALSE(filter.maybe_contains(""));
  EXPECT_FALSE(filter.maybe_contains("evt-1"));
  EXPECT_EQ(filter.size(), 0u);
}

}  // namespace
}  // namespace fidelis::core
