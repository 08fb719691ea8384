#include "analytics/orders/order_readers.h"

#include <libfccp/csv.h>

#include <cctype>
#include <charconv>
#include <filesystem>

#include "analytics/orders/csv_file.h"
#include "core/money.h"

namespace fidelis::analytics {

namespace {

// Bad rows kept as examples in the report (all are counted).
constexpr std::size_t kBadRowExamplesMax = 20;

// Counts bad rows and keeps the first few; in strict mode the first one is the result.
class BadRows {
 public:
  BadRows(OrdersRead& read, bool strict) : read_(read), strict_(strict) {}
  // Returns false when reading must stop (strict).
  bool record(const std::string& path, unsigned line, const std::string& why) {
    ++read_.bad_rows;
    if (read_.bad_row_examples.size() < kBadRowExamplesMax) {
      read_.bad_row_examples.push_back(
          core::make_error(core::ErrorCode::csv_invalid, why, path + ":" + std::to_string(line)));
    }
    return !strict_;
  }
  bool failed() const { return strict_ && read_.bad_rows > 0; }
  core::Errors errors() const { return read_.bad_row_examples; }

 private:
  OrdersRead& read_;
  bool strict_;
};

// Calls `row(fields)` for each readable row of `file`; a non-empty string it returns is what is
// wrong with the row. Counts the rows, records the bad ones, stops early in strict mode.
template <unsigned N, typename Row>
void for_each_row(CsvFile<N>& file, OrdersRead& read, BadRows& bad, Row&& row) {
  std::array<std::string_view, N> fields;
  std::string error;
  while (true) {
    const auto next = file.next(fields, error);
    if (next == CsvFile<N>::Next::end) return;
    ++read.rows;
    const std::string why = next == CsvFile<N>::Next::bad_row ? error : row(fields);
    if (!why.empty() && !bad.record(file.path(), file.line(), why)) return;
  }
}

// Rows a file of this size may hold, to reserve room (a generous guess: short rows).
std::size_t rows_estimate(const std::string& path, std::size_t bytes_per_row) {
  std::error_code error;
  const auto bytes = std::filesystem::file_size(path, error);
  return error ? 0 : static_cast<std::size_t>(bytes) / bytes_per_row;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// --currency, or the layout's own when not given; an ISO 4217 code either way.
core::Result<std::string> layout_currency(const OrdersInput& input, const char* layout_default) {
  const std::string code = input.currency.empty() ? layout_default : input.currency;
  if (!core::find_currency(code)) {
    return core::make_error(core::ErrorCode::currency_unknown,
                            "currency \"" + code + "\" is not an ISO 4217 code");
  }
  return code;
}

// ---- UCI Online Retail -------------------------------------------------------------------------

core::Result<OrdersRead> read_online_retail(const OrdersInput& input) {
  auto file = CsvFile<6>::open(
      input.orders_path,
      {"InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"},
      {true, true, true, true, true, true});
  if (!file.ok()) return file.errors();
  OrdersRead read;
  BadRows bad(read, input.strict);
  OrderTableBuilder builder;
  auto currency = layout_currency(input, "GBP");
  if (!currency.ok()) return currency.errors();
  builder.table().currency = *currency;
  // An invoice is an order, a refund (C), a guest order, or an adjustment (A), by its number.
  enum class Kind { order, refund, guest, ignored };
  struct Invoice {
    Kind kind;
    std::int32_t index;
  };
  IdMap<Invoice> invoices;
  std::vector<Milli> guest_totals;
  // Online Retail rows are ~95 bytes; invoices hold ~20 lines.
  builder.reserve(rows_estimate(input.orders_path, 95) / 20, rows_estimate(input.orders_path, 95));
  for_each_row(
      **file, read, bad, [&](const std::array<std::string_view, 6>& fields) -> std::string {
        const auto [invoice_no, stock_code, quantity_text, date_text, price_text, customer_text] =
            fields;
        const auto quantity = parse_integer(quantity_text);
        const auto price = parse_milli(price_text);
        const auto time = parse_local_time(date_text);
        std::string why;
        if (invoice_no.empty())
          why = "InvoiceNo is empty";
        else if (!quantity)
          why = "Quantity \"" + std::string(quantity_text) + "\" is not a whole number";
        else if (!price)
          why = "UnitPrice \"" + std::string(price_text) +
                "\" is not a decimal with at most 3 decimals";
        else if (!time)
          why = "InvoiceDate \"" + std::string(date_text) + "\" is not a date and time";
        if (!why.empty()) return why;
        const Milli amount = *quantity * *price;
        auto found = invoices.find(invoice_no);
        if (found == invoices.end()) {
          Invoice invoice{Kind::ignored, -1};
          if (invoice_no.front() == 'A') {
            ++read.adjustments;
          } else if (customer_text.empty()) {
            invoice = {invoice_no.front() == 'C' ? Kind::ignored : Kind::guest,
                       static_cast<std::int32_t>(guest_totals.size())};
            if (invoice.kind == Kind::guest) guest_totals.push_back(0);
          } else if (invoice_no.front() == 'C') {
            ++read.refund_invoices;
            invoice = {Kind::refund,
                       static_cast<std::int32_t>(builder.table().refund_amount.size())};
            builder.add_refund(builder.customer(customer_text), *time, 0);
          } else {
            invoice = {Kind::order,
                       builder.add_order(builder.customer(customer_text), invoice_no, *time, 0)};
          }
          found = invoices.emplace(std::string(invoice_no), invoice).first;
        }
        const Invoice invoice = found->second;
        switch (invoice.kind) {
          case Kind::order:
            builder.table().order_total[invoice.index] += amount;
            builder.add_line(invoice.index, builder.sku(stock_code), *quantity, *price);
            break;
          case Kind::refund:
            builder.table().refund_amount[invoice.index] -= amount;  // quantities are negative
            break;
          case Kind::guest:
            guest_totals[invoice.index] += amount;
            break;
          case Kind::ignored:
            break;
        }
        return {};
      });
  if (bad.failed()) return bad.errors();
  for (Milli total : guest_totals) builder.add_guest_order(total);
  read.table = builder.take();
  return read;
}

// ---- CDNOW transaction logs
// ----------------------------------------------------------------------

core::Result<OrdersRead> read_cdnow(const OrdersInput& input) {
  OrdersRead read;
  BadRows bad(read, input.strict);
  OrderTableBuilder builder;
  auto currency = layout_currency(input, "USD");
  if (!currency.ok()) return currency.errors();
  builder.table().currency = *currency;
  std::unique_ptr<io::LineReader> lines;
  try {
    lines = std::make_unique<io::LineReader>(input.orders_path);
  } catch (const std::exception&) {
    return core::make_error(core::ErrorCode::io_error, "cannot open the file", input.orders_path);
  }
  unsigned line_number = 0;
  while (true) {
    char* line = nullptr;
    try {
      line = lines->next_line();
    } catch (const std::exception& error) {
      if (!bad.record(input.orders_path, line_number + 1, error.what())) break;
      continue;
    }
    if (!line) break;
    ++line_number;
    std::array<std::string_view, 6> tokens;
    std::size_t count = 0;
    for (std::string_view rest(line); count < tokens.size();) {
      const std::size_t start = rest.find_first_not_of(" \t\r");
      if (start == std::string_view::npos) break;
      rest.remove_prefix(start);
      const std::size_t end = std::min(rest.find_first_of(" \t\r"), rest.size());
      tokens[count++] = rest.substr(0, end);
      rest.remove_prefix(end);
    }
    if (count == 0) continue;
    if (line_number == 1 && !std::isdigit(static_cast<unsigned char>(tokens[0][0])))
      continue;  // header
    ++read.rows;
    // Master log: customer date cds dollars; 1/10 sample: master_id customer date cds dollars.
    if (count != 4 && count != 5) {
      if (!bad.record(input.orders_path, line_number,
                      "expected 4 or 5 columns separated by spaces"))
        break;
      continue;
    }
    const std::size_t first = count == 5 ? 1 : 0;
    std::string_view customer = tokens[first];
    while (customer.size() > 1 && customer.front() == '0') customer.remove_prefix(1);
    const auto time = parse_local_time(tokens[first + 1]);
    const auto dollars = parse_milli(tokens[first + 3]);
    if (!time || !dollars || !parse_integer(tokens[first + 2])) {
      if (!bad.record(input.orders_path, line_number,
                      "expected a YYYYMMDD date, a number of CDs and an amount")) {
        break;
      }
      continue;
    }
    builder.add_order(builder.customer(customer), "line-" + std::to_string(line_number), *time,
                      *dollars);
  }
  if (bad.failed()) return bad.errors();
  read.table = builder.take();
  return read;
}

// ---- Generic layout ---------------------------------------------------------------------------

std::string mapped(const OrdersInput& input, const std::string& name) {
  const auto found = input.columns.find(name);
  return found == input.columns.end() ? name : found->second;
}

bool is_cancelled_status(std::string_view status) {
  return status == "cancelled" || status == "canceled" || status == "voided";
}

core::Result<OrdersRead> read_generic(const OrdersInput& input) {
  auto file =
      CsvFile<7>::open(input.orders_path,
                       {mapped(input, "order_id"), mapped(input, "customer_id"),
                        mapped(input, "ordered_at"), mapped(input, "currency"),
                        mapped(input, "total"), mapped(input, "margin"), mapped(input, "status")},
                       {true, true, true, false, true, false, false});
  if (!file.ok()) return file.errors();
  OrdersRead read;
  BadRows bad(read, input.strict);
  OrderTableBuilder builder;
  builder.table().currency = input.currency;
  const bool has_margin = (*file)->has(5);
  IdMap<std::int32_t> orders;  // order id → index, -1 for guest and cancelled orders
  const std::size_t orders_expected = rows_estimate(input.orders_path, 40);
  builder.reserve(orders_expected,
                  input.lines_path.empty() ? 0 : rows_estimate(input.lines_path, 40));
  orders.reserve(orders_expected);
  for_each_row(
      **file, read, bad, [&](const std::array<std::string_view, 7>& fields) -> std::string {
        const auto [order_id, customer, ordered_at, currency, total_text, margin_text, status] =
            fields;
        const auto time = parse_local_time(ordered_at);
        const auto total = parse_milli(total_text);
        const auto margin = has_margin ? parse_milli(margin_text) : std::optional<Milli>(0);
        std::string why;
        if (order_id.empty())
          why = "order_id is empty";
        else if (orders.contains(order_id))
          why = "order_id \"" + std::string(order_id) + "\" appears twice";
        else if (!time)
          why = "ordered_at \"" + std::string(ordered_at) + "\" is not a date and time";
        else if (!total)
          why =
              "total \"" + std::string(total_text) + "\" is not a decimal with at most 3 decimals";
        else if (!margin)
          why = "margin \"" + std::string(margin_text) +
                "\" is not a decimal with at most 3 decimals";
        else if (!currency.empty() && builder.table().currency.empty() &&
                 !core::find_currency(currency)) {
          why = "currency \"" + std::string(currency) + "\" is not an ISO 4217 code";
        } else if (!currency.empty() && !builder.table().currency.empty() &&
                   currency != builder.table().currency) {
          why = "currency " + std::string(currency) + " differs from the file's " +
                builder.table().currency + " (analyse one currency at a time)";
        }
        if (!why.empty()) return why;
        if (builder.table().currency.empty() && !currency.empty())
          builder.table().currency = currency;
        if (is_cancelled_status(status)) {
          ++read.cancelled_orders;
          orders.emplace(std::string(order_id), -1);
          return {};
        }
        if (customer.empty()) {
          builder.add_guest_order(*total);
          orders.emplace(std::string(order_id), -1);
          return {};
        }
        const CustomerIndex who = builder.customer(customer);
        const std::int32_t index = builder.add_order(who, order_id, *time, *total);
        if (has_margin) builder.table().order_margin.push_back(*margin);
        if (status == "refunded") builder.add_refund(who, *time, *total, index);
        orders.emplace(std::string(order_id), index);
        return {};
      });
  if (bad.failed()) return bad.errors();
  if (builder.table().currency.empty()) {
    return core::make_error(core::ErrorCode::csv_column_missing,
                            "the orders have no currency column: give --currency CODE",
                            input.orders_path + ":1");
  }
  if (!input.lines_path.empty()) {
    auto lines = CsvFile<6>::open(
        input.lines_path,
        {mapped(input, "order_id"), mapped(input, "sku"), mapped(input, "category"),
         mapped(input, "quantity"), mapped(input, "unit_price"), mapped(input, "unit_cost")},
        {true, true, false, true, true, false});
    if (!lines.ok()) return lines.errors();
    const bool margin_from_lines = !has_margin && (*lines)->has(5);
    if (margin_from_lines) builder.table().order_margin.assign(builder.table().order_count(), 0);
    auto last_order = orders.end();
    std::string_view last_order_id;
    for_each_row(
        **lines, read, bad, [&](const std::array<std::string_view, 6>& cells) -> std::string {
          const auto [order_id, sku, category, quantity_text, price_text, cost_text] = cells;
          // Lines of one order usually follow each other: look the id up once per order.
          if (order_id != last_order_id || last_order == orders.end()) {
            last_order = orders.find(order_id);
            last_order_id = last_order == orders.end() ? std::string_view()
                                                       : std::string_view(last_order->first);
          }
          const auto order = last_order;
          const auto quantity = parse_integer(quantity_text);
          const auto price = parse_milli(price_text);
          const auto cost = margin_from_lines ? parse_milli(cost_text) : std::optional<Milli>(0);
          std::string why;
          if (order == orders.end())
            why = "order_id \"" + std::string(order_id) + "\" is not in the orders file";
          else if (sku.empty())
            why = "sku is empty";
          else if (!quantity)
            why = "quantity \"" + std::string(quantity_text) + "\" is not a whole number";
          else if (!price)
            why = "unit_price \"" + std::string(price_text) + "\" is not a decimal";
          else if (!cost)
            why = "unit_cost \"" + std::string(cost_text) + "\" is not a decimal";
          if (!why.empty()) return why;
          if (order->second < 0) return {};  // a guest's or a cancelled order's line
          builder.add_line(order->second, builder.sku(sku, category), *quantity, *price);
          if (margin_from_lines)
            builder.table().order_margin[order->second] += *quantity * (*price - *cost);
          return {};
        });
    if (bad.failed()) return bad.errors();
  }
  read.table = builder.take();
  return read;
}

// ---- Shopify-style orders export
// ------------------------------------------------------------------

// "2024-01-05 10:11:12 +0100" or "… UTC": the local time as written, the zone dropped.
std::optional<std::int64_t> parse_shopify_time(std::string_view text) {
  const std::size_t space = text.rfind(' ');
  if (space != std::string_view::npos && space > 10) {
    const std::string_view zone = text.substr(space + 1);
    if (zone == "UTC" || (zone.size() == 5 && (zone[0] == '+' || zone[0] == '-')))
      text = text.substr(0, space);
  }
  return parse_local_time(text);
}

core::Result<OrdersRead> read_shopify(const OrdersInput& input) {
  enum Column : unsigned {
    name,
    email,
    created_at,
    currency,
    subtotal,
    status,
    refunded,
    quantity,
    price,
    sku,
    item
  };
  auto file = CsvFile<11>::open(
      input.orders_path,
      {"Name", "Email", "Created at", "Currency", "Subtotal", "Financial Status", "Refunded Amount",
       "Lineitem quantity", "Lineitem price", "Lineitem sku", "Lineitem name"},
      {true, true, true, false, true, false, false, true, true, false, false});
  if (!file.ok()) return file.errors();
  OrdersRead read;
  BadRows bad(read, input.strict);
  OrderTableBuilder builder;
  builder.table().currency = input.currency;
  IdMap<std::int32_t> orders;  // Name → order index, -1 for guests and voided orders
  for_each_row(**file, read, bad, [&](const std::array<std::string_view, 11>& f) -> std::string {
    const auto line_quantity = parse_integer(f[quantity]);
    const auto line_price = parse_milli(f[price]);
    std::string why;
    if (f[name].empty())
      why = "Name (the order number) is empty";
    else if (!line_quantity)
      why = "Lineitem quantity \"" + std::string(f[quantity]) + "\" is not a whole number";
    else if (!line_price)
      why = "Lineitem price \"" + std::string(f[price]) + "\" is not a decimal";
    auto order = orders.find(f[name]);
    if (why.empty() && order == orders.end()) {
      // The order's first row carries its fields.
      const auto time = parse_shopify_time(f[created_at]);
      const auto total = parse_milli(f[subtotal]);
      const auto refund = f[refunded].empty() ? std::optional<Milli>(0) : parse_milli(f[refunded]);
      if (!time)
        why = "Created at \"" + std::string(f[created_at]) + "\" is not a date and time";
      else if (!total)
        why = "Subtotal \"" + std::string(f[subtotal]) + "\" is not a decimal";
      else if (!refund)
        why = "Refunded Amount \"" + std::string(f[refunded]) + "\" is not a decimal";
      else if (!f[currency].empty() && !builder.table().currency.empty() &&
               f[currency] != builder.table().currency) {
        why = "currency " + std::string(f[currency]) + " differs from the file's " +
              builder.table().currency;
      } else if (!f[currency].empty() && builder.table().currency.empty() &&
                 !core::find_currency(f[currency])) {
        why = "currency \"" + std::string(f[currency]) + "\" is not an ISO 4217 code";
      }
      if (why.empty()) {
        if (builder.table().currency.empty()) builder.table().currency = f[currency];
        std::int32_t index = -1;
        if (is_cancelled_status(f[status])) {
          ++read.cancelled_orders;
        } else if (f[email].empty()) {
          builder.add_guest_order(*total);
        } else {
          const CustomerIndex who = builder.customer(f[email]);
          index = builder.add_order(who, f[name], *time, *total);
          const Milli refund_amount =
              *refund > 0 ? *refund : (f[status] == "refunded" ? *total : 0);
          if (refund_amount > 0) builder.add_refund(who, *time, refund_amount, index);
        }
        order = orders.emplace(std::string(f[name]), index).first;
      }
    }
    if (!why.empty()) return why;
    if (order->second >= 0) {
      const std::string_view product = f[sku].empty() ? f[item] : f[sku];
      if (!product.empty())
        builder.add_line(order->second, builder.sku(product), *line_quantity, *line_price);
    }
    return {};
  });
  if (bad.failed()) return bad.errors();
  if (builder.table().currency.empty()) builder.table().currency = "USD";
  read.table = builder.take();
  return read;
}

}  // namespace

std::optional<OrdersFormat> parse_orders_format(std::string_view name) {
  if (name == "generic") return OrdersFormat::generic;
  if (name == "online-retail") return OrdersFormat::online_retail;
  if (name == "cdnow") return OrdersFormat::cdnow;
  if (name == "shopify") return OrdersFormat::shopify;
  return std::nullopt;
}

core::Result<std::map<std::string, std::string>> parse_column_mapping(std::string_view text) {
  std::map<std::string, std::string> mapping;
  while (!text.empty()) {
    const std::size_t comma = std::min(text.find(','), text.size());
    const std::string_view pair = text.substr(0, comma);
    const std::size_t equals = pair.find('=');
    if (equals == std::string_view::npos || equals == 0 || equals + 1 == pair.size()) {
      return core::make_error(
          core::ErrorCode::usage,
          "--columns takes OUR=THEIRS pairs separated by commas, e.g. order_id=Invoice");
    }
    mapping.emplace(std::string(pair.substr(0, equals)), std::string(pair.substr(equals + 1)));
    text.remove_prefix(std::min(comma + 1, text.size()));
  }
  return mapping;
}

core::Result<OrdersRead> read_orders(const OrdersInput& input) {
  switch (input.format) {
    case OrdersFormat::online_retail:
      return read_online_retail(input);
    case OrdersFormat::cdnow:
      return read_cdnow(input);
    case OrdersFormat::generic:
      return read_generic(input);
    case OrdersFormat::shopify:
      return read_shopify(input);
  }
  return core::make_error(core::ErrorCode::usage, "unknown format");
}

}  // namespace fidelis::analytics
