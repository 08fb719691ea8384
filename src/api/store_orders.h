// The store's own orders as an analytics table, so `fidelis analyze` without --orders measures
// the shop that Fidelis runs (DESIGN.md: analytics reads "orders/members snapshot (from the store
// or straight from CSV)"). Analytics may use core only, so the bridge sits in the API, which may
// use the store and analytics alike: the KPI route and `fidelis analyze` both read through it.
#pragma once

#include <string>

#include "analytics/orders/order_readers.h"
#include "core/result.h"
#include "store/store.h"

namespace fidelis::api {

// Orders of `shop`: each order record is an order of its member at placed_at (UTC calendar),
// total = merchandise (lines after discount), lines with their SKU and net; cancelled orders are
// counted apart; refunded merchandise is a refund. One currency: `currency`, or the one most
// orders use (orders in others are counted as bad rows).
core::Result<analytics::OrdersRead> orders_from_store(store::Store& store, const std::string& shop,
                                                      const std::string& currency);

}  // namespace fidelis::api
