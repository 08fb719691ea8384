// One pass over a shop's order history: the dataset facts, KPIs per period, cohorts, revenue
// concentration, RFM scores and segments, the CLV models fitted to the customers (BG/NBD and
// Gamma-Gamma with lifetimes' conventions), P(alive), lifecycle stages and the value score.
// Definitions: docs/reference/analytics.md; output keys: analysis_json.h.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/clv/fit.h"
#include "analytics/orders/order_table.h"
#include "core/result.h"

namespace fidelis::analytics {

enum class PeriodKind { month, quarter, year };
enum class TimeUnit { days, weeks };

struct ValueWeights {
  double value = 0.4;       // margin (or revenue when the export has no margin)
  double refunds = 0.2;     // fewer refunds score higher
  double regularity = 0.2;  // steadier gaps between purchases score higher
  double tenure = 0.2;      // longer relationships score higher
  // From the store only, each counted when the source has any: survey answers
  // (survey.answered) and support tickets per order (support.ticket.opened, fewer is better).
  double satisfaction = 0.2;
  double support = 0.1;
};

struct AnalysisOptions {
  PeriodKind period = PeriodKind::month;
  // The end of observation (a day number): recency and T are measured to it. Default: the last
  // order's day. Give the end of a calibration period to match published summaries.
  std::optional<std::int64_t> as_of_day;
  TimeUnit unit = TimeUnit::days;  // of the CLV summary (the models' α is per unit)
  int horizon_months = 12;
  double discount_monthly = 0.01;
  ValueWeights value_weights;
  // Lifecycle thresholds (docs/reference/analytics.md "Lifecycle").
  int new_days = 30;
  double at_risk_p_alive = 0.5;
  double lapsed_p_alive = 0.1;
  double at_risk_gap_factor = 2;
  double lapsed_gap_factor = 4;
};

struct PeriodRow {
  std::int64_t start_day = 0;  // first day of the period
  std::int64_t end_day = 0;    // first day of the next period
  std::int64_t customers_start = 0;
  std::int64_t customers_end = 0;
  std::int64_t new_customers = 0;
  std::int64_t retained = 0;  // customers of the previous period who ordered again in this one
  std::int64_t repeat_customers = 0;
  std::int64_t orders = 0;
  Milli revenue = 0;
};

struct Cohort {
  std::int64_t month = 0;  // month number of the first order
  std::int64_t size = 0;
  std::vector<std::int64_t> active;  // active[k]: customers with an order k months later
};

enum class Lifecycle { new_customer, active, at_risk, lapsed, reactivated };
const char* lifecycle_name(Lifecycle stage);
inline constexpr std::array<const char*, 10> kRfmSegments = {
    "champions",      "loyal",   "potential_loyalist", "new",        "promising", "need_attention",
    "about_to_sleep", "at_risk", "cant_lose_them",     "hibernating"};
// The segment of an R-F cell (scores 1-5), an index into kRfmSegments.
int rfm_segment(int r, int f);

// Per customer, as columns indexed like OrderTable::customer_ids.
struct CustomerFacts {
  std::vector<std::int32_t> orders;
  std::vector<Milli> revenue;
  std::vector<Milli> margin;
  std::vector<Milli> refunds;
  std::vector<std::int64_t> first_day, last_day;
  std::vector<double> frequency, recency, age, monetary;  // lifetimes summary, in the unit
  std::vector<double> usual_gap_days;                     // median gap between purchase days
  std::vector<std::uint8_t> r, f, m;
  std::vector<std::uint8_t> segment;
  std::vector<double> p_alive, expected_purchases, clv;  // NaN when the models could not be fitted
  std::vector<Lifecycle> lifecycle;
  std::vector<double> value_score;  // 0-100
};

struct ClvResult {
  bool fitted = false;
  std::string why_not;  // when not fitted
  clv::FitResult purchases;
  clv::FitResult spend;
  bool has_spend = false;
};

struct Analysis {
  AnalysisOptions options;
  std::int64_t as_of_day = 0;  // the last order's day: recency and T are measured to it
  std::int64_t first_order_time = 0, last_order_time = 0;
  Milli revenue = 0, refunds = 0;
  std::int64_t lines = 0;
  std::vector<PeriodRow> periods;
  std::vector<Cohort> cohorts;
  std::int64_t repeat_customers = 0;      // with >= 2 orders
  std::array<double, 4> concentration{};  // share of revenue of the top 1, 5, 10, 20 %
  std::array<std::array<std::int64_t, 5>, 5> rfm_grid{};  // [r-1][f-1] customers
  std::array<std::int64_t, kRfmSegments.size()> segment_counts{};
  std::array<std::int64_t, 5> lifecycle_counts{};
  ClvResult clv;
  CustomerFacts customers;
};

// What the lifecycle stage of one customer is decided on (days to the as-of day).
struct LifecycleFacts {
  std::int64_t days_since_first = 0;
  std::int64_t days_since_last = 0;
  double usual_gap_days = 30;       // median gap between purchase days (population's if unknown)
  std::int64_t last_gap_days = -1;  // gap before the last purchase day; -1 with one purchase day
  double p_alive = 1;               // NaN when the purchase model could not be fitted
};
// new, lapsed, at_risk, reactivated, active: the first that applies (docs/reference/analytics.md).
Lifecycle classify_lifecycle(const AnalysisOptions& options, const LifecycleFacts& facts);

// Errors: no_orders when the table holds no customer order.
core::Result<Analysis> analyze(const OrderTable& table, const AnalysisOptions& options);

}  // namespace fidelis::analytics
