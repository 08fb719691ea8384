// `fidelis recommend --sku SKU | --customer ID` over shop exports (same input options as
// analyze): SKUs bought together with support, confidence and lift; for a customer, what the
// baskets suggest and which replenishable SKUs are due (docs/reference/analytics.md).
#include <cmath>
#include <cstdio>
#include <string>

#include "analytics/recommend.h"
#include "cli/commands.h"
#include "cli/orders_input.h"
#include "core/json_writer.h"

namespace fidelis::cli {

namespace {

namespace an = analytics;

constexpr const char* kRecommendUsage =
    "usage: fidelis recommend --orders FILE [--lines FILE] [--format …] (--sku SKU | --customer "
    "ID)\n"
    "         [--min-support PERCENT] [--limit N] [--json]";

int recommend_usage(const std::string& why) { return usage_error(why, kRecommendUsage); }

std::int32_t find_index(const std::vector<std::string>& ids, const std::string& id) {
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] == id) return static_cast<std::int32_t>(i);
  }
  return -1;
}

void write_replenishment(core::JsonWriter& out, const an::Replenishment& r) {
  out.begin_object().key("replenishable").value(r.is_replenishable);
  out.key("repeat_purchases").value(r.repeat_purchases).key("median_gap_days");
  if (std::isnan(r.median_gap_days)) {
    out.null();
  } else {
    out.value(r.median_gap_days);
  }
  out.end_object();
}

int print_sku(const Args& args, const an::BasketModel& model, const an::OrderTable& table,
              std::int32_t sku) {
  const auto pairs = model.also_bought(sku);
  if (args.json()) {
    core::JsonWriter out;
    out.begin_object().key("sku").value(table.sku_ids[sku]).key("baskets").value(model.baskets());
    out.key("baskets_with_sku").value(model.baskets_with(sku)).key("also_bought").begin_array();
    for (const auto& pair : pairs) {
      out.begin_object()
          .key("sku")
          .value(table.sku_ids[pair.sku])
          .key("baskets")
          .value(pair.baskets);
      out.key("support").value(pair.support).key("confidence").value(pair.confidence);
      out.key("lift").value(pair.lift).end_object();
    }
    out.end_array().key("replenishment");
    write_replenishment(out, model.replenishment(sku));
    out.end_object();
    std::printf("%s\n", out.str().c_str());
    return kExitOk;
  }
  std::printf("%s: in %lld of %lld baskets\n", table.sku_ids[sku].c_str(),
              static_cast<long long>(model.baskets_with(sku)),
              static_cast<long long>(model.baskets()));
  for (const auto& pair : pairs) {
    std::printf("  also %-16s support %6.2f %%  confidence %6.2f %%  lift %6.2f\n",
                table.sku_ids[pair.sku].c_str(), pair.support, pair.confidence, pair.lift);
  }
  const auto& r = model.replenishment(sku);
  if (r.is_replenishable)
    std::printf("  bought again every %.0f days (median of %lld)\n", r.median_gap_days,
                static_cast<long long>(r.repeat_purchases));
  return kExitOk;
}

int print_customer(const Args& args, const an::BasketModel& model, const an::OrderTable& table,
                   an::CustomerIndex customer) {
  const auto advice = model.advise(customer);
  if (args.json()) {
    core::JsonWriter out;
    out.begin_object()
        .key("customer")
        .value(table.customer_ids[customer])
        .key("suggestions")
        .begin_array();
    for (const auto& s : advice.suggestions) {
      out.begin_object()
          .key("sku")
          .value(table.sku_ids[s.sku])
          .key("because")
          .value(table.sku_ids[s.because]);
      out.key("confidence").value(s.confidence).key("lift").value(s.lift).end_object();
    }
    out.end_array().key("replenish").begin_array();
    for (const auto& due : advice.replenish) {
      out.begin_object().key("sku").value(table.sku_ids[due.sku]);
      out.key("last_bought").value(an::format_local_date(due.last_day));
      out.key("median_gap_days")
          .value(due.median_gap_days)
          .key("due")
          .value(an::format_local_date(due.due_day));
      out.end_object();
    }
    out.end_array().end_object();
    std::printf("%s\n", out.str().c_str());
    return kExitOk;
  }
  std::printf("customer %s\n", table.customer_ids[customer].c_str());
  for (const auto& s : advice.suggestions) {
    std::printf("  suggest %-16s because of %-16s confidence %6.2f %%  lift %6.2f\n",
                table.sku_ids[s.sku].c_str(), table.sku_ids[s.because].c_str(), s.confidence,
                s.lift);
  }
  for (const auto& due : advice.replenish) {
    std::printf("  replenish %-14s last bought %s, usually every %.0f days: due %s\n",
                table.sku_ids[due.sku].c_str(), an::format_local_date(due.last_day).c_str(),
                due.median_gap_days, an::format_local_date(due.due_day).c_str());
  }
  return kExitOk;
}

}  // namespace

int run_recommend(const Args& args) {
  if (args.words.size() != 1) return recommend_usage("recommend takes options only");
  const auto sku = args.option("sku");
  const auto customer = args.option("customer");
  if (sku.has_value() == customer.has_value())
    return recommend_usage("give one of --sku SKU or --customer ID");
  auto input = orders_input(args);
  if (!input.ok()) return recommend_usage(input.errors().front().message);
  an::RecommendOptions options;
  const auto support = number_option(args, "min-support", options.min_support_percent, 0, 100);
  const auto limit = number_option(args, "limit", 10, 1, 1000);
  if (!support.ok()) return recommend_usage(support.errors().front().message);
  if (!limit.ok()) return recommend_usage(limit.errors().front().message);
  options.min_support_percent = *support;
  options.limit = static_cast<std::size_t>(*limit);
  auto read = read_orders_reporting(*input);
  if (!read.ok()) {
    print_errors(read.errors());
    return exit_code_for(read.errors());
  }
  const an::OrderTable& table = read->table;
  if (table.line_order.empty()) {
    print_errors(
        {core::make_error(core::ErrorCode::csv_invalid,
                          "the export has no order lines (give --lines for the generic layout)")});
    return kExitRejected;
  }
  const an::BasketModel model(table, options);
  if (sku) {
    const std::int32_t index = find_index(table.sku_ids, *sku);
    if (index < 0) {
      print_errors({core::make_error(core::ErrorCode::value_not_allowed,
                                     "no line of the export has this SKU", *sku)});
      return kExitNotFound;
    }
    return print_sku(args, model, table, index);
  }
  const std::int32_t index = find_index(table.customer_ids, *customer);
  if (index < 0) {
    print_errors({core::make_error(core::ErrorCode::member_not_found,
                                   "no order of the export has this customer", *customer)});
    return kExitNotFound;
  }
  return print_customer(args, model, table, index);
}

}  // namespace fidelis::cli
