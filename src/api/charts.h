// The dashboard's charts (GET /v1/analytics/charts): everything the overview draws that is not a
// KPI card — the whole analysis of the shop's orders (periods with retention and churn, cohorts,
// RFM grid, CLV, revenue concentration, lifecycle), the distribution of predicted CLV, points
// issued, redeemed, expired and outstanding per period from the ledger, members by tier, and
// survey satisfaction per period.
#pragma once

#include <string>

#include "analytics/analysis.h"
#include "analytics/orders/order_readers.h"
#include "core/result.h"
#include "domain/program/program.h"
#include "store/store.h"

namespace fidelis::api {

// The JSON of the route (docs/reference/http.md). Without orders "analysis" is null and
// "why_not" says why; the points and tier figures are there all the same.
// `program`: the one in force (the tiers are listed in its order), or null. `orders`: the shop's
// orders as orders_from_store() reads them.
core::Result<std::string> charts_json(store::Store& store, const std::string& shop,
                                      const domain::Program* program, analytics::PeriodKind period,
                                      const analytics::OrdersRead& orders);

}  // namespace fidelis::api
