#include "analytics/recommend.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <tuple>
#include <unordered_map>

namespace fidelis::analytics {

namespace {

// SKUs of one basket considered for pairs: a wholesale invoice with 500 lines would otherwise
// add 125,000 pairs on its own. Only SKUs frequent enough to reach the support are paired anyway.
constexpr std::size_t kBasketSkusMax = 200;

}  // namespace

BasketModel::BasketModel(const OrderTable& table, const RecommendOptions& options)
    : table_(table), options_(options) {
  const std::size_t sku_count = table.sku_ids.size();
  item_baskets_.assign(sku_count, 0);
  pairs_.resize(sku_count);
  replenishment_.resize(sku_count);
  // Lines grouped by order (readers append an order's lines together, but do not rely on it).
  std::vector<std::int32_t> line_index(table.line_order.size());
  std::iota(line_index.begin(), line_index.end(), 0);
  std::stable_sort(line_index.begin(), line_index.end(), [&](std::int32_t a, std::int32_t b) {
    return table.line_order[a] < table.line_order[b];
  });
  std::vector<std::vector<std::int32_t>> basket_skus;
  for (std::size_t i = 0; i < line_index.size();) {
    const std::int32_t order = table.line_order[line_index[i]];
    std::vector<std::int32_t> skus;
    for (; i < line_index.size() && table.line_order[line_index[i]] == order; ++i) {
      skus.push_back(table.line_sku[line_index[i]]);
    }
    std::sort(skus.begin(), skus.end());
    skus.erase(std::unique(skus.begin(), skus.end()), skus.end());
    for (std::int32_t sku : skus) ++item_baskets_[sku];
    basket_skus.push_back(std::move(skus));
  }
  baskets_ = static_cast<std::int64_t>(basket_skus.size());
  const auto min_baskets = static_cast<std::int64_t>(
      std::ceil(options.min_support_percent / 100 * static_cast<double>(baskets_)));
  // Pairs of frequent SKUs only (a pair is never more frequent than either of its SKUs).
  std::unordered_map<std::uint64_t, std::int64_t> pair_counts;
  for (auto& skus : basket_skus) {
    std::erase_if(skus, [&](std::int32_t sku) {
      return item_baskets_[sku] < std::max<std::int64_t>(min_baskets, 1);
    });
    if (skus.size() > kBasketSkusMax) skus.resize(kBasketSkusMax);
    for (std::size_t a = 0; a < skus.size(); ++a) {
      for (std::size_t b = a + 1; b < skus.size(); ++b) {
        ++pair_counts[(static_cast<std::uint64_t>(skus[a]) << 32) |
                      static_cast<std::uint32_t>(skus[b])];
      }
    }
  }
  for (const auto& [key, count] : pair_counts) {
    if (count < std::max<std::int64_t>(min_baskets, 1)) continue;
    const auto a = static_cast<std::int32_t>(key >> 32),
               b = static_cast<std::int32_t>(key & 0xffffffffu);
    pairs_[a].emplace_back(b, count);
    pairs_[b].emplace_back(a, count);
  }

  // Replenishment: per (customer, SKU), the gaps between the distinct days it was bought.
  struct Purchase {
    CustomerIndex customer;
    std::int32_t sku;
    std::int64_t day;
  };
  std::vector<Purchase> purchases;
  purchases.reserve(table.line_order.size());
  for (std::size_t i = 0; i < table.line_order.size(); ++i) {
    const std::int32_t order = table.line_order[i];
    purchases.push_back(
        {table.order_customer[order], table.line_sku[i], day_of(table.order_time[order])});
  }
  std::sort(purchases.begin(), purchases.end(), [](const Purchase& l, const Purchase& r) {
    return std::tie(l.sku, l.customer, l.day) < std::tie(r.sku, r.customer, r.day);
  });
  std::vector<double> gaps;
  for (std::size_t i = 0; i < purchases.size();) {
    const std::int32_t sku = purchases[i].sku;
    gaps.clear();
    for (; i < purchases.size() && purchases[i].sku == sku; ++i) {
      const Purchase& previous = purchases[i - (i > 0 ? 1 : 0)];
      if (i > 0 && previous.sku == sku && previous.customer == purchases[i].customer &&
          previous.day < purchases[i].day) {
        gaps.push_back(static_cast<double>(purchases[i].day - previous.day));
      }
    }
    Replenishment& r = replenishment_[sku];
    r.repeat_purchases = static_cast<std::int64_t>(gaps.size());
    if (gaps.empty()) {
      r.median_gap_days = std::numeric_limits<double>::quiet_NaN();
    } else {
      std::sort(gaps.begin(), gaps.end());
      const std::size_t middle = gaps.size() / 2;
      r.median_gap_days =
          gaps.size() % 2 == 1 ? gaps[middle] : (gaps[middle - 1] + gaps[middle]) / 2;
    }
    r.is_replenishable = r.repeat_purchases >= options.replenish_repeats_min;
  }
}

std::vector<CoPurchase> BasketModel::also_bought(std::int32_t sku) const {
  std::vector<CoPurchase> result;
  const double n = static_cast<double>(baskets_);
  for (const auto& [other, together] : pairs_[sku]) {
    CoPurchase pair;
    pair.sku = other;
    pair.baskets = together;
    pair.support = 100 * static_cast<double>(together) / n;
    pair.confidence = 100 * static_cast<double>(together) / static_cast<double>(item_baskets_[sku]);
    pair.lift = pair.confidence / (100 * static_cast<double>(item_baskets_[other]) / n);
    result.push_back(pair);
  }
  std::sort(result.begin(), result.end(), [](const CoPurchase& l, const CoPurchase& r) {
    return std::tie(r.lift, r.confidence, l.sku) < std::tie(l.lift, l.confidence, r.sku);
  });
  if (result.size() > options_.limit) result.resize(options_.limit);
  return result;
}

BasketModel::CustomerAdvice BasketModel::advise(CustomerIndex customer) const {
  // What the customer bought, and when last.
  std::unordered_map<std::int32_t, std::int64_t> last_bought;
  for (std::size_t i = 0; i < table_.line_order.size(); ++i) {
    const std::int32_t order = table_.line_order[i];
    if (table_.order_customer[order] != customer) continue;
    std::int64_t& last = last_bought[table_.line_sku[i]];
    last = std::max(last, day_of(table_.order_time[order]));
  }
  CustomerAdvice advice;
  std::unordered_map<std::int32_t, CustomerAdvice::Suggestion> best;
  for (const auto& [sku, last_day] : last_bought) {
    for (const CoPurchase& pair : also_bought(sku)) {
      if (last_bought.contains(pair.sku)) continue;  // bought already (replenishment is apart)
      auto [entry, added] = best.try_emplace(
          pair.sku, CustomerAdvice::Suggestion{pair.sku, sku, pair.confidence, pair.lift});
      if (!added && std::tie(pair.confidence, pair.lift) >
                        std::tie(entry->second.confidence, entry->second.lift)) {
        entry->second = {pair.sku, sku, pair.confidence, pair.lift};
      }
    }
    const Replenishment& r = replenishment_[sku];
    if (r.is_replenishable) {
      const auto due = last_day + static_cast<std::int64_t>(std::llround(r.median_gap_days));
      advice.replenish.push_back({sku, last_day, due, r.median_gap_days});
    }
  }
  for (const auto& [sku, suggestion] : best) advice.suggestions.push_back(suggestion);
  std::sort(advice.suggestions.begin(), advice.suggestions.end(), [](const auto& l, const auto& r) {
    return std::tie(r.confidence, r.lift, l.sku) < std::tie(l.confidence, l.lift, r.sku);
  });
  if (advice.suggestions.size() > options_.limit) advice.suggestions.resize(options_.limit);
  std::sort(advice.replenish.begin(), advice.replenish.end(), [](const auto& l, const auto& r) {
    return std::tie(l.due_day, l.sku) < std::tie(r.due_day, r.sku);
  });
  if (advice.replenish.size() > options_.limit) advice.replenish.resize(options_.limit);
  return advice;
}

}  // namespace fidelis::analytics
