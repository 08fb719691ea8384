// The dashboard's key figures (GET /v1/analytics/kpis): the order KPIs of the current and the
// previous period from the store's own orders (the same analysis as `fidelis analyze`), the
// predicted CLV, and the points totals of every member (liability, redemption and breakage).
#pragma once

#include <string>

#include "analytics/analysis.h"
#include "core/result.h"
#include "store/store.h"

namespace fidelis::api {

// The JSON of the route (docs/reference/http.md "Analytics"). A shop without orders has null
// periods and CLV, with the reason in "why_not".
core::Result<std::string> kpis_json(store::Store& store, const std::string& shop,
                                    analytics::PeriodKind period);

}  // namespace fidelis::api
