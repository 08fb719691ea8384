// A shop's order history as columns: what every analysis reads. Amounts are integer thousandths
// of the currency's major unit ("milli"), so a UCI unit price of 0.165 GBP and a quantity stay
// exact; times are the shop's local wall-clock time as the export wrote it, in seconds since
// 1970-01-01 00:00 of that clock (calendar periods are the shop's, whatever its time zone).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/text_map.h"

namespace fidelis::analytics {

using Milli = std::int64_t;  // thousandths of a major unit
inline constexpr Milli kMilliPerUnit = 1000;

// A customer index into OrderTable::customer_ids; guests (orders without a customer) are kept out
// of the table's orders and only counted.
using CustomerIndex = std::int32_t;

struct OrderTable {
  std::string currency;  // ISO 4217, one per table

  // Orders of identified customers (cancellations and refunds are not orders).
  std::vector<CustomerIndex> order_customer;
  std::vector<std::int64_t> order_time;  // local seconds
  std::vector<Milli> order_total;        // merchandise as the export totals it
  std::vector<Milli> order_margin;       // empty when the export has no margin
  std::vector<std::string> order_ids;

  // Refunds and cancellations of identified customers (positive amounts).
  std::vector<CustomerIndex> refund_customer;
  std::vector<std::int64_t> refund_time;
  std::vector<Milli> refund_amount;
  std::vector<std::int32_t> refund_order;  // the refunded order, -1 when the export does not say

  // Lines of the orders above (none when the export has no lines).
  std::vector<std::int32_t> line_order;  // index into the order columns
  std::vector<std::int32_t> line_sku;    // index into sku_ids
  std::vector<std::int64_t> line_quantity;
  std::vector<Milli> line_unit_price;
  std::vector<std::string> sku_ids;
  std::vector<std::string> sku_categories;  // per sku, "" when unknown

  std::vector<std::string> customer_ids;
  // Per customer, 0-100 from their survey answers (NaN: none); empty when the source has no
  // surveys (exports). Feeds the value score.
  std::vector<double> customer_satisfaction;
  // Per customer, support tickets opened; empty when the source has none (exports).
  std::vector<double> customer_tickets;

  // Guest orders (no customer id): counted, kept out of every customer metric and of revenue.
  std::int64_t guest_orders = 0;
  Milli guest_revenue = 0;
  // Refunds of customers with no order in the export (e.g. of purchases made before it starts):
  // counted here, kept out of the customers and of `refunds`.
  std::int64_t unmatched_refunds = 0;
  Milli unmatched_refund_amount = 0;

  std::size_t order_count() const { return order_customer.size(); }
  std::size_t customer_count() const { return customer_ids.size(); }
  bool has_margin() const { return !order_margin.empty(); }
};

// A map from ids that is looked up by string_view without building a string.
using TransparentHash = core::TextHash;
template <typename Value>
using IdMap = core::TextMap<Value>;

// Builds a table row by row, interning customer and SKU ids (one allocation per distinct id,
// none per row).
class OrderTableBuilder {
 public:
  // Room for this many orders and lines (estimates from file sizes): growing the columns by
  // doubling costs page faults and copies that show on a million rows.
  void reserve(std::size_t orders, std::size_t lines);
  CustomerIndex customer(std::string_view id);
  std::int32_t sku(std::string_view id, std::string_view category = {});
  // Returns the new order's index.
  std::int32_t add_order(CustomerIndex customer, std::string_view order_id, std::int64_t time,
                         Milli total);
  void add_line(std::int32_t order, std::int32_t sku, std::int64_t quantity, Milli unit_price);
  void add_refund(CustomerIndex customer, std::int64_t time, Milli amount, std::int32_t order = -1);
  void add_guest_order(Milli total);

  OrderTable& table() { return table_; }
  // The finished table: customers without any order are dropped (every customer has >= 1 order)
  // and their refunds moved to unmatched_refunds.
  OrderTable take();

 private:
  OrderTable table_;
  IdMap<CustomerIndex> customers_;
  IdMap<std::int32_t> skus_;
};

// The orders, lines and refunds up to the end of `last_day` (a calibration period), customers
// first seen later dropped.
OrderTable orders_until(const OrderTable& table, std::int64_t last_day);

// "2.55" → 2550, "-11062.06" → -11062060, "3" → 3000, "0.165" → 165. Nothing when the text is not
// a plain decimal with at most 3 decimals (or is out of range).
std::optional<Milli> parse_milli(std::string_view text);
// Writes an amount as an exact decimal with at least `decimals` (2) and at most 3 decimals.
std::string format_milli(Milli amount, int decimals = 2);

// Wall-clock times: "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]", "YYYY-MM-DDTHH:MM[:SS][.fff][Z|±hh:mm]"
// (an offset is ignored: the written local time is the shop's), "YYYYMMDD" (CDNOW), and
// "M/D/YYYY H:MM" (the UCI file's original spreadsheet export). Nothing when not a valid date.
std::optional<std::int64_t> parse_local_time(std::string_view text);
std::string format_local_time(std::int64_t seconds);  // "2010-12-01T08:26:00"
std::string format_local_date(std::int64_t day);      // day number → "2010-12-01"
inline std::int64_t day_of(std::int64_t seconds) {
  return seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
}
// Month number (year × 12 + month − 1) of a day number, and the day number a month starts on.
std::int64_t month_of_day(std::int64_t day);
std::int64_t first_day_of_month(std::int64_t month);

}  // namespace fidelis::analytics
