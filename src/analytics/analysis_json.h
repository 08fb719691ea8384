// The JSON of `fidelis analyze --json` (key names are part of the contract, issue 6 and
// docs/reference/analytics.md) and the per-customer CSV of `--customers OUT.csv`.
#pragma once

#include <string>

#include "analytics/analysis.h"
#include "analytics/orders/order_readers.h"
#include "core/json_writer.h"
#include "core/result.h"

namespace fidelis::analytics {

std::string analysis_to_json(const Analysis& analysis, const OrdersRead& read);
// Parts of it, for the API's KPI view: one element of "periods", and "clv".
void write_period_json(core::JsonWriter& out, const PeriodRow& row);
void write_clv_json(core::JsonWriter& out, const Analysis& analysis);

// id, frequency, recency, T, monetary, r, f, m, segment, p_alive, expected_purchases, clv,
// lifecycle, value_score. Error: io_error.
core::Result<bool> write_customers_csv(const std::string& path, const Analysis& analysis,
                                       const OrderTable& table);

}  // namespace fidelis::analytics
