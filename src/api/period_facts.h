// A shop's figures per period of the order analysis (UTC days), beside the members' order KPIs:
// survey satisfaction and non-members' orders from the input log, points moved from the ledger.
// The KPIs (current and previous period) and the charts (every period) read them alike.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/analysis.h"
#include "core/json_writer.h"
#include "core/result.h"
#include "domain/types.h"
#include "store/store.h"

namespace fidelis::api {

// The UTC day number of `at` (days since 1970-01-01, rounded down).
std::int64_t utc_day(core::Timestamp at);
// The index of the period holding `day`; a day before the first counts in the first, one after
// the last in the last. `periods` must not be empty.
std::size_t nearest_period(const std::vector<analytics::PeriodRow>& periods, std::int64_t day);

// Survey answers of one period: NPS (promoters 9-10 minus detractors 0-6, in points of percent),
// CSAT (share of 4-5 answers) and CES (mean effort, 1-7, lower is better).
struct Satisfaction {
  std::int64_t nps_answers = 0, promoters = 0, detractors = 0;
  std::int64_t csat_answers = 0, satisfied = 0;
  std::int64_t ces_answers = 0, ces_sum = 0;
};

// Orders of customers outside the program (guest.order.placed) in one period: how many, and their
// net merchandise (lines less discount) in thousandths of the unit, as the analysis counts
// members' revenue.
struct GuestOrders {
  std::int64_t orders = 0;
  analytics::Milli revenue = 0;
};

// What the input log tells per period beyond the members' orders.
struct PeriodFacts {
  std::vector<Satisfaction> satisfaction;
  std::vector<GuestOrders> guests;  // in `currency` only; orders in others are left out
};

// Survey answers and guest orders by the analysis' periods (UTC days), in one pass over the input
// log; events outside the periods are left out.
core::Result<PeriodFacts> facts_by_period(store::Store& store, const std::string& shop,
                                          const std::vector<analytics::PeriodRow>& periods,
                                          std::string_view currency);
// {"nps", "nps_answers", "csat", "csat_answers", "ces", "ces_answers"}, null figures without
// answers.
void write_satisfaction(core::JsonWriter& out, const Satisfaction& satisfaction);
// {"orders", "revenue", "average_order_value"}, the average null without orders.
void write_guest_orders(core::JsonWriter& out, const GuestOrders& guests);

// Points moved in one period, over every member's ledger.
struct PointsPeriod {
  domain::Points issued = 0;    // credited: pending or available, positive adjustments
  domain::Points redeemed = 0;  // spent on rewards (net of codes given back)
  domain::Points expired = 0;
  domain::Points reversed = 0;            // taken back by refunds and cancellations
  domain::Points outstanding_change = 0;  // available + pending − debt, end minus start
};

// Points by period from every ledger line of the shop (one pass; lines outside the periods count
// in the nearest one, so the outstanding changes add up to today's outstanding points).
core::Result<std::vector<PointsPeriod>> points_by_period(
    store::Store& store, const std::string& shop, const std::vector<analytics::PeriodRow>& periods);

}  // namespace fidelis::api
