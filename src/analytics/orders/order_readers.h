// Order history from shop exports: a generic layout (with a column mapping), the UCI Online
// Retail layout, the CDNOW transaction logs and a Shopify-style orders export. Layouts and rules
// in docs/reference/analytics.md "Input".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "analytics/orders/order_table.h"
#include "core/result.h"

namespace fidelis::analytics {

enum class OrdersFormat { generic, online_retail, cdnow, shopify };
std::optional<OrdersFormat> parse_orders_format(std::string_view name);

struct OrdersInput {
  OrdersFormat format = OrdersFormat::generic;
  std::string orders_path;
  std::string lines_path;  // generic layout only; optional
  // Generic layout: our column name → the file's header name ("order_id" → "Invoice").
  std::map<std::string, std::string> columns;
  std::string currency;  // for layouts without one: online-retail GBP, cdnow USD by default
  bool strict = false;   // the first bad row stops the read
};

struct OrdersRead {
  OrderTable table;
  std::int64_t rows = 0;              // data rows read (all files)
  std::int64_t bad_rows = 0;          // rows skipped as unreadable
  core::Errors bad_row_examples;      // the first ones, located FILE:LINE
  std::int64_t cancelled_orders = 0;  // generic status "cancelled": not orders
  std::int64_t adjustments = 0;       // online-retail "A" invoices
  std::int64_t refund_invoices = 0;   // online-retail "C" invoices of customers
};

// Parses "order_id=Invoice,customer_id=Client" (the --columns option). Error: usage.
core::Result<std::map<std::string, std::string>> parse_column_mapping(std::string_view text);

// Reads the export. Errors: io_error, csv_column_missing, currency_unknown, and with `strict`
// the first bad row (csv_invalid, FILE:LINE). Without `strict` bad rows are counted and skipped.
core::Result<OrdersRead> read_orders(const OrdersInput& input);

}  // namespace fidelis::analytics
