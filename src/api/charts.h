// The dashboard's charts (GET /v1/analytics/charts): everything the overview draws that is not a
// KPI card — the whole analysis of the shop's orders (periods with retention and churn, cohorts,
// RFM grid, CLV, revenue concentration, lifecycle), the distribution of predicted CLV, points
// issued, redeemed, expired and outstanding per period from the ledger, members by tier, and
// survey satisfaction per period.
#pragma once

#include <string>

#include "analytics/analysis.h"
#include "core/result.h"
#include "store/store.h"

namespace fidelis::api {

// The JSON of the route (docs/reference/http.md). Without orders "analysis" is null and
// "why_not" says why; the points and tier figures are there all the same.
core::Result<std::string> charts_json(store::Store& store, const std::string& shop,
                                      analytics::PeriodKind period);

}  // namespace fidelis::api
