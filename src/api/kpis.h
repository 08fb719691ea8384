// The dashboard's key figures (GET /v1/analytics/kpis): the order KPIs of the current and the
// previous period from the store's own orders (the same analysis as `fidelis analyze`), the
// predicted CLV, the points totals of every member (liability, redemption and breakage), survey
// satisfaction (NPS, CSAT, CES) and non-members' orders (AOV members vs non-members) per period,
// referrals and mission completion.
#pragma once

#include <string>

#include "analytics/analysis.h"
#include "analytics/orders/order_readers.h"
#include "core/result.h"
#include "domain/program/program.h"
#include "store/store.h"

namespace fidelis::api {

// The JSON of the route (docs/reference/http.md). A shop without orders has null periods and
// CLV, with the reason in "why_not". `program`: the one in force (liability, missions), or null.
// `orders`: the shop's orders as orders_from_store() reads them.
core::Result<std::string> kpis_json(store::Store& store, const std::string& shop,
                                    const domain::Program* program, analytics::PeriodKind period,
                                    const analytics::OrdersRead& orders);

}  // namespace fidelis::api
