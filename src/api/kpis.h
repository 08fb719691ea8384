// The dashboard's key figures (GET /v1/analytics/kpis): the order KPIs of the current and the
// previous period from the store's own orders (the same analysis as `fidelis analyze`), the
// predicted CLV, the points totals of every member (liability, redemption and breakage), survey
// satisfaction (NPS, CSAT, CES) and non-members' orders (AOV members vs non-members) per period,
// referrals and mission completion.
#pragma once

#include <string>

#include "analytics/analysis.h"
#include "core/json_writer.h"
#include "core/result.h"
#include "domain/program/program.h"
#include "store/store.h"

namespace fidelis::api {

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

// The JSON of the route (docs/reference/http.md). A shop without orders has null periods and
// CLV, with the reason in "why_not". `program`: the one in force (liability, missions), or null.
core::Result<std::string> kpis_json(store::Store& store, const std::string& shop,
                                    const domain::Program* program, analytics::PeriodKind period);

}  // namespace fidelis::api
