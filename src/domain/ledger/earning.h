// How many points an order earns, line by line, under a program (docs/reference/program.md
// "Earning"). Pure arithmetic in integers; the total is rounded once per order, then shared out
// to the lines so that refunds of lines take back exactly what those lines earned.
#pragma once

#include <vector>

#include "core/result.h"
#include "domain/event/event.h"
#include "domain/ledger/state.h"
#include "domain/program/program.h"

namespace fidelis::domain {

struct OrderEarning {
  std::vector<OrderLineRecord> lines;  // one per order line, then #shipping / #tax if they earn
  Points points = 0;                   // before caps
  std::int64_t total_paid = 0;
  std::int64_t merchandise = 0;  // lines - discount
  std::int64_t margin = 0;       // of lines with a unit cost: net - cost, each at least 0
};

// Errors: currency_not_in_program (/data/currency), unit_cost_required (/data/lines/N/unit_cost).
core::Result<OrderEarning> compute_order_earning(const Program& program, const OrderPlaced& order);

// Shares `total` out in proportion to `weights` (largest remainder; ties go to the earlier
// index). The result sums to `total` exactly; all zero when every weight is zero.
std::vector<Points> distribute(Points total, const std::vector<Wide>& weights);

}  // namespace fidelis::domain
