// `fidelis import --orders FILE [--lines FILE] [--format …] [--out EVENTS.jsonl]`: a shop's
// exports as Fidelis events (JSON Lines, time order), to start a program with its history:
//   fidelis import --orders orders.csv --lines lines.csv | fidelis --shop acme ingest -
// Ids are derived from the export ("import:…"), so importing twice is a no-op on ingest.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "analytics/orders/order_table.h"
#include "cli/commands.h"
#include "cli/orders_input.h"
#include "core/json_writer.h"
#include "core/money.h"

namespace fidelis::cli {

namespace {

namespace an = analytics;

constexpr const char* kImportUsage =
    "usage: fidelis import --orders FILE [--lines FILE] [--format "
    "generic|online-retail|cdnow|shopify]\n"
    "         [--columns ours=theirs,...] [--currency CODE] [--strict] [--out EVENTS.jsonl]";

// An amount in the currency's minor units as the decimal string events carry, rounded half up
// when the export has more decimals than the currency (counted by the caller).
std::string money_text(an::Milli amount, const core::Currency& currency, bool& rounded) {
  const std::int64_t step = an::kMilliPerUnit / currency.minor_per_unit();
  const an::Milli whole = (amount >= 0 ? amount + step / 2 : amount - step / 2) / step * step;
  rounded = rounded || whole != amount;
  return an::format_milli(whole, currency.exponent);
}

// "2010-12-01T08:26:00Z": the export's local time written as UTC (documented).
std::string event_time(std::int64_t seconds) { return an::format_local_time(seconds) + "Z"; }

struct Counts {
  std::int64_t members = 0, orders = 0, lines = 0, refunds = 0;
  std::int64_t rounded_lines = 0, skipped_lines = 0, refunds_without_order = 0;
};

}  // namespace

int run_import(const Args& args) {
  if (args.words.size() != 1) return usage_error("import takes options only", kImportUsage);
  auto input = orders_input(args);
  if (!input.ok()) return usage_error(input.errors().front().message, kImportUsage);
  auto read = read_orders_reporting(*input);
  if (!read.ok()) return report_errors(read.errors());
  const an::OrderTable& table = read->table;
  const auto currency = core::find_currency(table.currency);
  if (!currency) {
    return report_errors(
        {core::make_error(core::ErrorCode::currency_unknown, "unknown currency", table.currency)});
  }
  std::FILE* out = stdout;
  const auto out_path = args.option("out");
  if (out_path) {
    out = std::fopen(out_path->c_str(), "w");
    if (!out)
      return report_errors(
          {core::make_error(core::ErrorCode::io_error, "cannot write the file", *out_path)});
  }

  // Lines per order, and each customer's first order (their enrolment).
  std::vector<std::vector<std::int32_t>> order_lines(table.order_count());
  for (std::size_t i = 0; i < table.line_order.size(); ++i)
    order_lines[table.line_order[i]].push_back(static_cast<std::int32_t>(i));
  std::vector<std::int32_t> by_time(table.order_count());
  for (std::size_t i = 0; i < by_time.size(); ++i) by_time[i] = static_cast<std::int32_t>(i);
  std::stable_sort(by_time.begin(), by_time.end(), [&](std::int32_t a, std::int32_t b) {
    return table.order_time[a] < table.order_time[b];
  });
  std::vector<std::vector<std::int32_t>> refunds_of(table.order_count());
  Counts counts;
  for (std::size_t i = 0; i < table.refund_order.size(); ++i) {
    if (table.refund_order[i] < 0) {
      ++counts.refunds_without_order;
    } else {
      refunds_of[table.refund_order[i]].push_back(static_cast<std::int32_t>(i));
    }
  }
  std::vector<bool> enrolled(table.customer_count(), false);
  core::JsonWriter event;
  auto emit = [&] {
    std::fputs(event.str().c_str(), out);
    std::fputc('\n', out);
    event.clear();
  };
  for (std::int32_t order : by_time) {
    const an::CustomerIndex customer = table.order_customer[order];
    const std::string& member = table.customer_ids[customer];
    const std::string at = event_time(table.order_time[order]);
    if (!enrolled[customer]) {
      enrolled[customer] = true;
      ++counts.members;
      event.begin_object()
          .key("id")
          .value("import:member:" + member)
          .key("type")
          .value("member.enrolled");
      event.key("member")
          .value(member)
          .key("occurred_at")
          .value(at)
          .key("data")
          .begin_object()
          .end_object();
      event.end_object();
      emit();
    }
    ++counts.orders;
    event.begin_object()
        .key("id")
        .value("import:order:" + table.order_ids[order])
        .key("type")
        .value("order.placed");
    event.key("member").value(member).key("occurred_at").value(at).key("data").begin_object();
    event.key("order_id")
        .value(table.order_ids[order])
        .key("currency")
        .value(table.currency)
        .key("lines")
        .begin_array();
    bool wrote_line = false;
    for (std::int32_t line : order_lines[order]) {
      if (table.line_quantity[line] <= 0 || table.line_unit_price[line] < 0) {
        ++counts.skipped_lines;  // events carry positive quantities and prices
        continue;
      }
      bool rounded = false;
      const std::string price = money_text(table.line_unit_price[line], *currency, rounded);
      counts.rounded_lines += rounded;
      ++counts.lines;
      wrote_line = true;
      event.begin_object().key("sku").value(table.sku_ids[table.line_sku[line]]);
      if (!table.sku_categories[table.line_sku[line]].empty()) {
        event.key("category").value(table.sku_categories[table.line_sku[line]]);
      }
      event.key("quantity")
          .value(table.line_quantity[line])
          .key("unit_price")
          .value(price)
          .end_object();
    }
    if (!wrote_line) {  // an export without lines: the order's total as one line
      bool rounded = false;
      const std::string total =
          money_text(std::max<an::Milli>(0, table.order_total[order]), *currency, rounded);
      counts.rounded_lines += rounded;
      ++counts.lines;
      event.begin_object()
          .key("sku")
          .value("order")
          .key("quantity")
          .value(1)
          .key("unit_price")
          .value(total)
          .end_object();
    }
    event.end_array().end_object().end_object();
    emit();
    for (std::int32_t refund : refunds_of[order]) {
      ++counts.refunds;
      bool rounded = false;
      const std::string amount = money_text(table.refund_amount[refund], *currency, rounded);
      event.begin_object().key("id").value("import:refund:" + table.order_ids[order] + ":" +
                                           std::to_string(refund));
      event.key("type").value("order.refunded").key("member").value(member);
      event.key("occurred_at")
          .value(event_time(std::max(table.refund_time[refund], table.order_time[order])));
      event.key("data")
          .begin_object()
          .key("order_id")
          .value(table.order_ids[order])
          .key("amount")
          .value(amount);
      event.end_object().end_object();
      emit();
    }
  }
  if (out_path && std::fclose(out) != 0) {
    return report_errors(
        {core::make_error(core::ErrorCode::io_error, "cannot write the file", *out_path)});
  }
  std::fprintf(stderr,
               "fidelis: import wrote %lld members, %lld orders (%lld lines), %lld refunds; %lld "
               "lines rounded to "
               "the currency's minor unit, %lld lines skipped (quantity or price not positive), "
               "%lld refunds "
               "without their order not imported, %lld guest orders not imported\n",
               static_cast<long long>(counts.members), static_cast<long long>(counts.orders),
               static_cast<long long>(counts.lines), static_cast<long long>(counts.refunds),
               static_cast<long long>(counts.rounded_lines),
               static_cast<long long>(counts.skipped_lines),
               static_cast<long long>(counts.refunds_without_order),
               static_cast<long long>(table.guest_orders));
  return kExitOk;
}

}  // namespace fidelis::cli
