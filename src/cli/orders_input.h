// The options shared by the commands that read shop exports (`analyze`, `recommend`): --orders,
// --lines, --format, --columns, --currency, --strict; and reading them with bad rows reported.
#pragma once

#include "analytics/orders/order_readers.h"
#include "cli/args.h"
#include "core/result.h"

namespace fidelis::cli {

// Errors: usage.
core::Result<analytics::OrdersInput> orders_input(const Args& args);
// Reads the exports; prints skipped bad rows (and their count) on stderr.
core::Result<analytics::OrdersRead> read_orders_reporting(const analytics::OrdersInput& input);

}  // namespace fidelis::cli
