// "Bought X, also bought Y" from the shop's baskets, and replenishment timing (seed 002's
// pet-food example): association rules over orders' SKU sets (support, confidence, lift) and each
// SKU's median gap between a customer's repeat purchases. docs/reference/analytics.md
// "Recommendations".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/orders/order_table.h"

namespace fidelis::analytics {

struct RecommendOptions {
  double min_support_percent = 0.5;  // of baskets holding both SKUs
  std::size_t limit = 10;
  // A SKU is replenishable when customers bought it again at least this many times.
  std::int64_t replenish_repeats_min = 10;
};

struct CoPurchase {
  std::int32_t sku = 0;      // the other SKU
  std::int64_t baskets = 0;  // baskets holding both
  double support = 0;        // baskets holding both / all baskets × 100
  double confidence = 0;     // baskets holding both / baskets holding the first × 100
  double lift = 0;           // confidence / share of baskets holding the other
};

struct Replenishment {
  std::int64_t repeat_purchases = 0;  // gaps observed (a customer buying the SKU again)
  double median_gap_days = 0;         // NaN when never bought again
  bool is_replenishable = false;
};

// Pair counts over the table's baskets (orders with lines). Built once, queried per SKU or
// customer.
class BasketModel {
 public:
  BasketModel(const OrderTable& table, const RecommendOptions& options);

  std::int64_t baskets() const { return baskets_; }
  std::int64_t baskets_with(std::int32_t sku) const { return item_baskets_[sku]; }
  // SKUs bought with `sku` at the minimum support or more, by lift then confidence.
  std::vector<CoPurchase> also_bought(std::int32_t sku) const;
  const Replenishment& replenishment(std::int32_t sku) const { return replenishment_[sku]; }

  struct CustomerAdvice {
    struct Suggestion {
      std::int32_t sku;
      std::int32_t because;  // the customer's SKU that leads to it
      double confidence, lift;
    };
    struct Due {
      std::int32_t sku;
      std::int64_t last_day, due_day;
      double median_gap_days;
    };
    std::vector<Suggestion> suggestions;  // not bought yet
    std::vector<Due> replenish;           // replenishable SKUs bought before, soonest due first
  };
  CustomerAdvice advise(CustomerIndex customer) const;

 private:
  const OrderTable& table_;
  RecommendOptions options_;
  std::int64_t baskets_ = 0;
  std::vector<std::int64_t> item_baskets_;
  std::vector<std::vector<std::pair<std::int32_t, std::int64_t>>>
      pairs_;  // per SKU: (other, baskets)
  std::vector<Replenishment> replenishment_;
};

}  // namespace fidelis::analytics
