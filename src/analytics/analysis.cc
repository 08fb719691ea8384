#include "analytics/analysis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <thread>
#include <tuple>

#include "analytics/clv/predict.h"
#include "analytics/clv/summary.h"
#include "core/assert.h"

namespace fidelis::analytics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::int64_t period_of_day(std::int64_t day, PeriodKind kind) {
  const std::int64_t month = month_of_day(day);
  auto floor_div = [](std::int64_t a, std::int64_t b) {
    return a >= 0 ? a / b : -((-a + b - 1) / b);
  };
  switch (kind) {
    case PeriodKind::month:
      return month;
    case PeriodKind::quarter:
      return floor_div(month, 3);
    case PeriodKind::year:
      return floor_div(month, 12);
  }
  return month;
}

std::int64_t period_start_day(std::int64_t period, PeriodKind kind) {
  switch (kind) {
    case PeriodKind::month:
      return first_day_of_month(period);
    case PeriodKind::quarter:
      return first_day_of_month(period * 3);
    case PeriodKind::year:
      return first_day_of_month(period * 12);
  }
  return first_day_of_month(period);
}

double median(std::vector<double>& values) {
  if (values.empty()) return kNaN;
  const std::size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + middle, values.end());
  const double upper = values[middle];
  if (values.size() % 2 == 1) return upper;
  return (*std::max_element(values.begin(), values.begin() + middle) + upper) / 2;
}

// Quintile score 1 + floor(5 × (customers with a strictly smaller value) / n).
template <typename T>
std::vector<std::uint8_t> quintile_scores(const std::vector<T>& values) {
  std::vector<T> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const auto n = static_cast<std::int64_t>(values.size());
  std::vector<std::uint8_t> scores(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto smaller = std::lower_bound(sorted.begin(), sorted.end(), values[i]) - sorted.begin();
    scores[i] = static_cast<std::uint8_t>(1 + 5 * smaller / n);
  }
  return scores;
}

// Percentile rank in [0, 1]: share of customers with a strictly smaller value, ties averaged.
std::vector<double> percentile_ranks(const std::vector<double>& values) {
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const double n = static_cast<double>(values.size());
  std::vector<double> ranks(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto [low, high] = std::equal_range(sorted.begin(), sorted.end(), values[i]);
    const double below = static_cast<double>(low - sorted.begin());
    const double equal = static_cast<double>(high - low);
    ranks[i] = n > 1 ? (below + (equal - 1) / 2) / (n - 1) : 0.5;
  }
  return ranks;
}

// Percentile ranks of the known values; unknown (NaN) ones rank in the middle (0.5).
std::vector<double> ranks_with_unknown_in_middle(const std::vector<double>& values) {
  std::vector<double> known;
  for (double v : values) {
    if (!std::isnan(v)) known.push_back(v);
  }
  std::vector<double> ranks(values.size(), 0.5);
  if (known.empty()) return ranks;
  const std::vector<double> known_ranks = percentile_ranks(known);
  for (std::size_t c = 0, k = 0; c < values.size(); ++c) {
    if (!std::isnan(values[c])) ranks[c] = known_ranks[k++];
  }
  return ranks;
}

}  // namespace

const char* lifecycle_name(Lifecycle stage) {
  switch (stage) {
    case Lifecycle::new_customer:
      return "new";
    case Lifecycle::active:
      return "active";
    case Lifecycle::at_risk:
      return "at_risk";
    case Lifecycle::lapsed:
      return "lapsed";
    case Lifecycle::reactivated:
      return "reactivated";
  }
  return "active";
}

Lifecycle classify_lifecycle(const AnalysisOptions& options, const LifecycleFacts& facts) {
  const double p = facts.p_alive;
  const auto since_last = static_cast<double>(facts.days_since_last);
  if (facts.days_since_first < options.new_days) return Lifecycle::new_customer;
  if ((!std::isnan(p) && p < options.lapsed_p_alive) ||
      since_last > options.lapsed_gap_factor * facts.usual_gap_days) {
    return Lifecycle::lapsed;
  }
  if ((!std::isnan(p) && p < options.at_risk_p_alive) ||
      since_last > options.at_risk_gap_factor * facts.usual_gap_days) {
    return Lifecycle::at_risk;
  }
  if (facts.last_gap_days >= 0 && static_cast<double>(facts.last_gap_days) >
                                      options.at_risk_gap_factor * facts.usual_gap_days) {
    return Lifecycle::reactivated;
  }
  return Lifecycle::active;
}

int rfm_segment(int r, int f) {
  FIDELIS_ASSERT(r >= 1 && r <= 5 && f >= 1 && f <= 5);
  auto index = [](std::string_view name) {
    return static_cast<int>(std::find(kRfmSegments.begin(), kRfmSegments.end(), name) -
                            kRfmSegments.begin());
  };
  if (r <= 2) return index(f <= 2 ? "hibernating" : f <= 4 ? "at_risk" : "cant_lose_them");
  if (r == 3) return index(f <= 2 ? "about_to_sleep" : f == 3 ? "need_attention" : "loyal");
  if (f >= 4) return index(r == 4 ? "loyal" : "champions");
  if (f == 1) return index(r == 4 ? "promising" : "new");
  return index("potential_loyalist");
}

core::Result<Analysis> analyze(const OrderTable& table, const AnalysisOptions& options) {
  const std::size_t order_count = table.order_count();
  const std::size_t customer_count = table.customer_count();
  if (order_count == 0) {
    return core::make_error(core::ErrorCode::no_orders,
                            "there is no order of an identified customer to analyse (guest orders "
                            "are not analysed)");
  }
  Analysis analysis;
  analysis.options = options;
  analysis.lines = static_cast<std::int64_t>(table.line_order.size());

  // Orders grouped by customer, each customer's in time order.
  std::vector<std::int32_t> by_time(order_count);
  std::iota(by_time.begin(), by_time.end(), 0);
  std::stable_sort(by_time.begin(), by_time.end(), [&](std::int32_t a, std::int32_t b) {
    return table.order_time[a] < table.order_time[b];
  });
  std::vector<std::int32_t> customer_start(customer_count + 1, 0);
  for (CustomerIndex c : table.order_customer) ++customer_start[c + 1];
  std::partial_sum(customer_start.begin(), customer_start.end(), customer_start.begin());
  std::vector<std::int32_t> by_customer(order_count);
  {
    std::vector<std::int32_t> fill(customer_start.begin(), customer_start.end() - 1);
    for (std::int32_t order : by_time) by_customer[fill[table.order_customer[order]]++] = order;
  }
  analysis.first_order_time = table.order_time[by_time.front()];
  analysis.last_order_time = table.order_time[by_time.back()];
  analysis.as_of_day = options.as_of_day.value_or(day_of(analysis.last_order_time));
  if (analysis.as_of_day < day_of(analysis.last_order_time)) {
    return core::make_error(
        core::ErrorCode::value_out_of_range,
        "the end of observation is before the last order (keep only the orders up to it)");
  }
  for (Milli total : table.order_total) analysis.revenue += total;
  for (Milli amount : table.refund_amount) analysis.refunds += amount;

  // Periods and cohorts.
  const PeriodKind kind = options.period;
  const std::int64_t first_period = period_of_day(day_of(analysis.first_order_time), kind);
  const std::int64_t last_period = period_of_day(analysis.as_of_day, kind);
  analysis.periods.resize(static_cast<std::size_t>(last_period - first_period + 1));
  for (std::size_t p = 0; p < analysis.periods.size(); ++p) {
    analysis.periods[p].start_day =
        period_start_day(first_period + static_cast<std::int64_t>(p), kind);
    analysis.periods[p].end_day =
        period_start_day(first_period + static_cast<std::int64_t>(p) + 1, kind);
  }
  const std::int64_t first_month = month_of_day(day_of(analysis.first_order_time));
  const std::int64_t last_month = month_of_day(analysis.as_of_day);
  analysis.cohorts.resize(static_cast<std::size_t>(last_month - first_month + 1));
  for (std::size_t k = 0; k < analysis.cohorts.size(); ++k) {
    analysis.cohorts[k].month = first_month + static_cast<std::int64_t>(k);
    analysis.cohorts[k].active.assign(analysis.cohorts.size() - k, 0);
  }
  for (std::int32_t order : by_time) {
    PeriodRow& row =
        analysis.periods[period_of_day(day_of(table.order_time[order]), kind) - first_period];
    ++row.orders;
    row.revenue += table.order_total[order];
  }

  CustomerFacts& facts = analysis.customers;
  facts.orders.assign(customer_count, 0);
  facts.revenue.assign(customer_count, 0);
  facts.margin.assign(customer_count, 0);
  facts.refunds.assign(customer_count, 0);
  facts.first_day.assign(customer_count, 0);
  facts.last_day.assign(customer_count, 0);
  facts.frequency.assign(customer_count, 0);
  facts.recency.assign(customer_count, 0);
  facts.age.assign(customer_count, 0);
  facts.monetary.assign(customer_count, 0);
  facts.usual_gap_days.assign(customer_count, kNaN);
  std::vector<double> regularity(customer_count, kNaN);  // coefficient of variation of the gaps
  std::vector<std::int64_t> last_gap_days(customer_count, -1);
  const double unit_days = options.unit == TimeUnit::weeks ? 7.0 : 1.0;
  std::vector<double> gaps;
  for (std::size_t c = 0; c < customer_count; ++c) {
    std::int64_t previous_period = std::numeric_limits<std::int64_t>::min();
    std::int64_t previous_month = std::numeric_limits<std::int64_t>::min();
    std::int64_t previous_day = std::numeric_limits<std::int64_t>::min();
    std::int64_t purchase_days = 0;
    Milli day_total = 0, repeat_total = 0;
    std::int64_t cohort = 0;
    gaps.clear();
    for (std::int32_t i = customer_start[c]; i < customer_start[c + 1]; ++i) {
      const std::int32_t order = by_customer[i];
      const std::int64_t day = day_of(table.order_time[order]);
      ++facts.orders[c];
      facts.revenue[c] += table.order_total[order];
      if (table.has_margin()) facts.margin[c] += table.order_margin[order];
      const std::int64_t period = period_of_day(day, kind);
      if (period != previous_period) {
        PeriodRow& row = analysis.periods[period - first_period];
        ++row.customers_end;
        if (previous_period == std::numeric_limits<std::int64_t>::min()) ++row.new_customers;
        if (previous_period == period - 1) ++row.retained;
        previous_period = period;
      }
      const std::int64_t month = month_of_day(day);
      if (previous_month == std::numeric_limits<std::int64_t>::min()) cohort = month - first_month;
      if (month != previous_month) {
        ++analysis.cohorts[cohort].active[month - first_month - cohort];
        previous_month = month;
      }
      if (day != previous_day) {
        if (purchase_days > 1) repeat_total += day_total;
        if (purchase_days >= 1) {
          gaps.push_back(static_cast<double>(day - previous_day));
          last_gap_days[c] = day - previous_day;
        }
        ++purchase_days;
        day_total = 0;
        previous_day = day;
        if (purchase_days == 1) facts.first_day[c] = day;
      }
      day_total += table.order_total[order];
    }
    if (purchase_days > 1) repeat_total += day_total;
    facts.last_day[c] = previous_day;
    ++analysis.cohorts[cohort].size;
    facts.frequency[c] = static_cast<double>(purchase_days - 1);
    facts.recency[c] = static_cast<double>(facts.last_day[c] - facts.first_day[c]) / unit_days;
    facts.age[c] = static_cast<double>(analysis.as_of_day - facts.first_day[c]) / unit_days;
    facts.monetary[c] = purchase_days > 1 ? static_cast<double>(repeat_total) / kMilliPerUnit /
                                                static_cast<double>(purchase_days - 1)
                                          : 0;
    if (!gaps.empty()) {
      const double mean =
          std::accumulate(gaps.begin(), gaps.end(), 0.0) / static_cast<double>(gaps.size());
      double variance = 0;
      for (double gap : gaps) variance += (gap - mean) * (gap - mean);
      if (gaps.size() >= 2)
        regularity[c] = std::sqrt(variance / static_cast<double>(gaps.size())) / mean;
      facts.usual_gap_days[c] = median(gaps);
    }
    if (facts.orders[c] >= 2) ++analysis.repeat_customers;
  }
  // Repeat customers per period: active in the period with >= 2 orders by its end.
  for (std::size_t c = 0; c < customer_count; ++c) {
    std::int32_t seen = 0;
    for (std::int32_t i = customer_start[c]; i < customer_start[c + 1]; ++i) {
      ++seen;
      const std::int64_t period = period_of_day(day_of(table.order_time[by_customer[i]]), kind);
      const bool last_in_period =
          i + 1 == customer_start[c + 1] ||
          period_of_day(day_of(table.order_time[by_customer[i + 1]]), kind) != period;
      if (last_in_period && seen >= 2) ++analysis.periods[period - first_period].repeat_customers;
    }
  }
  for (std::size_t p = 1; p < analysis.periods.size(); ++p) {
    analysis.periods[p].customers_start = analysis.periods[p - 1].customers_end;
  }
  for (std::size_t i = 0; i < table.refund_customer.size(); ++i) {
    facts.refunds[table.refund_customer[i]] += table.refund_amount[i];
  }

  // Revenue concentration.
  {
    std::vector<Milli> sorted = facts.revenue;
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    const double total =
        static_cast<double>(std::accumulate(sorted.begin(), sorted.end(), Milli{0}));
    const double shares[] = {1, 5, 10, 20};
    for (std::size_t k = 0; k < 4; ++k) {
      const auto top = static_cast<std::size_t>(
          std::ceil(shares[k] / 100 * static_cast<double>(customer_count)));
      const Milli sum = std::accumulate(
          sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(top), Milli{0});
      analysis.concentration[k] = total > 0 ? 100 * static_cast<double>(sum) / total : 0;
    }
  }

  // RFM: recency in days to the last order day, fewer is better (scored on its negation).
  {
    std::vector<std::int64_t> negative_recency(customer_count);
    for (std::size_t c = 0; c < customer_count; ++c)
      negative_recency[c] = facts.last_day[c] - analysis.as_of_day;
    facts.r = quintile_scores(negative_recency);
    facts.f = quintile_scores(facts.orders);
    facts.m = quintile_scores(facts.revenue);
    facts.segment.resize(customer_count);
    for (std::size_t c = 0; c < customer_count; ++c) {
      ++analysis.rfm_grid[facts.r[c] - 1][facts.f[c] - 1];
      facts.segment[c] = static_cast<std::uint8_t>(rfm_segment(facts.r[c], facts.f[c]));
      ++analysis.segment_counts[facts.segment[c]];
    }
  }

  // CLV models on the lifetimes summary.
  facts.p_alive.assign(customer_count, kNaN);
  facts.expected_purchases.assign(customer_count, kNaN);
  facts.clv.assign(customer_count, kNaN);
  {
    clv::Summary summary;
    summary.frequency = facts.frequency;
    summary.recency = facts.recency;
    summary.age = facts.age;
    summary.monetary = facts.monetary;
    summary.weight.assign(customer_count, 1);
    auto purchases = clv::fit_model(clv::Model::bgnbd, summary);
    const auto refusal =
        purchases.ok()
            ? clv::prediction_refusal({.model = clv::Model::bgnbd, .values = purchases->params})
            : std::nullopt;
    if (!purchases.ok()) {
      analysis.clv.why_not = purchases.errors().front().message;
    } else if (refusal) {
      analysis.clv.why_not = *refusal;
    } else {
      analysis.clv.fitted = true;
      analysis.clv.purchases = *purchases;
      const clv::ModelParams purchase_params{.model = clv::Model::bgnbd,
                                             .values = purchases->params};
      auto spend = clv::fit_model(clv::Model::gammagamma, summary);
      clv::ValueOptions value_options{
          .horizon_months = options.horizon_months,
          .discount_monthly = options.discount_monthly,
          .time_units_per_month = options.unit == TimeUnit::weeks ? 4.345 : 30};
      const double horizon = options.horizon_months * value_options.time_units_per_month;
      const bool spend_usable = spend.ok() && spend->params[1] > 1;  // E(Z) needs q > 1
      if (spend_usable) {
        analysis.clv.has_spend = true;
        analysis.clv.spend = *spend;
      } else {
        analysis.clv.why_not = spend.ok() ? "Gamma-Gamma q <= 1: the mean spend is unbounded"
                                          : spend.errors().front().message;
      }
      const clv::ModelParams spend_params{
          .model = clv::Model::gammagamma,
          .values = spend_usable ? spend->params : std::vector<double>{}};
      // Customers sharing an (x, t_x, T) pattern (whole days make many) share P(alive), the
      // expected purchases and the discounted purchases: computed once per pattern.
      std::vector<std::int32_t> by_pattern(customer_count);
      std::iota(by_pattern.begin(), by_pattern.end(), 0);
      auto pattern = [&](std::int32_t c) {
        return std::tie(facts.frequency[c], facts.recency[c], facts.age[c]);
      };
      std::sort(by_pattern.begin(), by_pattern.end(),
                [&](std::int32_t a, std::int32_t b) { return pattern(a) < pattern(b); });
      // Two threads, each over whole runs of one pattern (the two cores; ₂F₁ dominates here).
      auto predict = [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end;) {
          const std::int32_t first = by_pattern[i];
          const double x = facts.frequency[first], t_x = facts.recency[first], T = facts.age[first];
          const double p_alive = clv::probability_alive(purchase_params, x, t_x, T);
          const double expected = clv::expected_purchases(purchase_params, horizon, x, t_x, T);
          const double factor =
              spend_usable ? clv::discounted_purchases(purchase_params, x, t_x, T, value_options)
                           : kNaN;
          for (; i < end && pattern(by_pattern[i]) == pattern(first); ++i) {
            const std::int32_t c = by_pattern[i];
            facts.p_alive[c] = p_alive;
            facts.expected_purchases[c] = expected;
            if (spend_usable)
              facts.clv[c] = clv::expected_spend(spend_params, x, facts.monetary[c]) * factor;
          }
        }
      };
      std::size_t middle = customer_count / 2;
      while (middle > 0 && middle < customer_count &&
             pattern(by_pattern[middle]) == pattern(by_pattern[middle - 1])) {
        ++middle;
      }
      std::thread helper(predict, middle, customer_count);
      predict(0, middle);
      helper.join();
    }
  }

  // Lifecycle stages.
  {
    std::vector<double> known_gaps;
    for (double gap : facts.usual_gap_days) {
      if (!std::isnan(gap)) known_gaps.push_back(gap);
    }
    const double population_gap = known_gaps.empty() ? 30.0 : std::max(1.0, median(known_gaps));
    facts.lifecycle.resize(customer_count);
    for (std::size_t c = 0; c < customer_count; ++c) {
      const double usual = std::isnan(facts.usual_gap_days[c])
                               ? population_gap
                               : std::max(1.0, facts.usual_gap_days[c]);
      const Lifecycle stage =
          classify_lifecycle(options, {.days_since_first = analysis.as_of_day - facts.first_day[c],
                                       .days_since_last = analysis.as_of_day - facts.last_day[c],
                                       .usual_gap_days = usual,
                                       .last_gap_days = last_gap_days[c],
                                       .p_alive = facts.p_alive[c]});
      facts.lifecycle[c] = stage;
      ++analysis.lifecycle_counts[static_cast<std::size_t>(stage)];
    }
  }

  // Value score: weighted percentile ranks (docs/reference/analytics.md "Value score").
  {
    std::vector<double> value(customer_count), refund_rate(customer_count),
        steadiness(customer_count), tenure(customer_count);
    for (std::size_t c = 0; c < customer_count; ++c) {
      value[c] = static_cast<double>(table.has_margin() ? facts.margin[c] : facts.revenue[c]);
      refund_rate[c] = facts.revenue[c] > 0 ? -static_cast<double>(facts.refunds[c]) /
                                                  static_cast<double>(facts.revenue[c])
                                            : 0;
      steadiness[c] = std::isnan(regularity[c]) ? kNaN : -regularity[c];
      tenure[c] = static_cast<double>(analysis.as_of_day - facts.first_day[c]);
    }
    // Customers with fewer than three purchase days have no regularity: they rank in the middle.
    const std::vector<double> steadiness_rank = ranks_with_unknown_in_middle(steadiness);
    const auto value_rank = percentile_ranks(value);
    const auto refund_rank = percentile_ranks(refund_rate);
    const auto tenure_rank = percentile_ranks(tenure);
    const bool has_satisfaction = !table.customer_satisfaction.empty();
    const std::vector<double> satisfaction_rank =
        has_satisfaction ? ranks_with_unknown_in_middle(table.customer_satisfaction)
                         : std::vector<double>{};
    const bool has_tickets = !table.customer_tickets.empty();
    std::vector<double> support_rank;
    if (has_tickets) {
      std::vector<double> calm(customer_count);  // minus tickets per order: fewer ranks higher
      for (std::size_t c = 0; c < customer_count; ++c) {
        calm[c] = -table.customer_tickets[c] / static_cast<double>(facts.orders[c]);
      }
      support_rank = percentile_ranks(calm);
    }
    const ValueWeights& w = options.value_weights;
    const double weight_sum = w.value + w.refunds + w.regularity + w.tenure +
                              (has_satisfaction ? w.satisfaction : 0) +
                              (has_tickets ? w.support : 0);
    facts.value_score.resize(customer_count);
    for (std::size_t c = 0; c < customer_count; ++c) {
      const double weighted = w.value * value_rank[c] + w.refunds * refund_rank[c] +
                              w.regularity * steadiness_rank[c] + w.tenure * tenure_rank[c] +
                              (has_satisfaction ? w.satisfaction * satisfaction_rank[c] : 0) +
                              (has_tickets ? w.support * support_rank[c] : 0);
      facts.value_score[c] = weight_sum > 0 ? 100 * weighted / weight_sum : 0;
    }
  }
  return analysis;
}

}  // namespace fidelis::analytics
