// `fidelis analyze --orders FILE [--lines FILE] --format generic|online-retail|cdnow|shopify`:
// the shop's history analysed straight from its exports (docs/reference/analytics.md).
#include <cstdio>
#include <string>

#include "analytics/analysis.h"
#include "analytics/analysis_json.h"
#include "analytics/orders/order_readers.h"
#include "analytics/report/html_report.h"
#include "api/store_orders.h"
#include "cli/commands.h"
#include "cli/orders_input.h"

namespace fidelis::cli {

namespace {

namespace an = analytics;

constexpr const char* kAnalyzeUsage =
    "usage: fidelis analyze [--orders FILE [--lines FILE] [--format "
    "generic|online-retail|cdnow|shopify]]\n"
    "         (without --orders: the store's orders of --shop)\n"
    "         [--columns ours=theirs,...] [--currency CODE] [--strict] [--period "
    "month|quarter|year]\n"
    "         [--unit days|weeks] [--horizon-months 12] [--discount-monthly 0.01]\n"
    "         [--until YYYY-MM-DD] [--customers OUT.csv] [--html REPORT.html] [--json]";

int analyze_usage(const std::string& why) { return usage_error(why, kAnalyzeUsage); }

core::Result<an::AnalysisOptions> analysis_options(const Args& args) {
  an::AnalysisOptions options;
  const std::string period = args.option("period").value_or("month");
  if (period == "quarter") {
    options.period = an::PeriodKind::quarter;
  } else if (period == "year") {
    options.period = an::PeriodKind::year;
  } else if (period != "month") {
    return core::make_error(core::ErrorCode::usage, "--period must be month, quarter or year");
  }
  const std::string unit = args.option("unit").value_or("days");
  if (unit != "days" && unit != "weeks")
    return core::make_error(core::ErrorCode::usage, "--unit must be days or weeks");
  options.unit = unit == "weeks" ? an::TimeUnit::weeks : an::TimeUnit::days;
  const auto horizon = number_option(args, "horizon-months", 12, 0, 1200);
  if (!horizon.ok()) return horizon.errors();
  if (*horizon != static_cast<int>(*horizon)) {
    return core::make_error(core::ErrorCode::usage, "--horizon-months must be a whole number");
  }
  options.horizon_months = static_cast<int>(*horizon);
  const auto discount = number_option(args, "discount-monthly", 0.01, 0, 1);
  if (!discount.ok()) return discount.errors();
  options.discount_monthly = *discount;
  if (const auto until = args.option("until")) {
    const auto time = an::parse_local_time(*until);
    if (!time)
      return core::make_error(core::ErrorCode::usage, "--until must be a date, YYYY-MM-DD");
    options.as_of_day = an::day_of(*time);
  }
  return options;
}

void print_summary(const an::Analysis& analysis, const an::OrdersRead& read) {
  const an::OrderTable& table = read.table;
  std::printf("%zu orders of %zu customers, %s to %s, revenue %s %s (refunds %s)\n",
              table.order_count(), table.customer_count(),
              an::format_local_time(analysis.first_order_time).c_str(),
              an::format_local_time(analysis.last_order_time).c_str(),
              an::format_milli(analysis.revenue).c_str(), table.currency.c_str(),
              an::format_milli(analysis.refunds).c_str());
  std::printf("guest orders %lld (%s %s), rows read %lld, bad rows %lld\n",
              static_cast<long long>(table.guest_orders),
              an::format_milli(table.guest_revenue).c_str(), table.currency.c_str(),
              static_cast<long long>(read.rows), static_cast<long long>(read.bad_rows));
  std::printf("repeat purchase rate %.1f %%; top 20 %% of customers bring %.1f %% of revenue\n",
              100.0 * static_cast<double>(analysis.repeat_customers) /
                  static_cast<double>(table.customer_count()),
              analysis.concentration[3]);
  if (analysis.clv.fitted && analysis.clv.has_spend) {
    double total = 0;
    for (double value : analysis.customers.clv) total += value;
    std::printf("predicted %d-month CLV: %.2f %s in all, %.2f per customer\n",
                analysis.options.horizon_months, total, table.currency.c_str(),
                total / static_cast<double>(table.customer_count()));
  } else {
    std::printf("CLV not modelled: %s\n", analysis.clv.why_not.c_str());
  }
  std::printf("segments:");
  for (std::size_t s = 0; s < an::kRfmSegments.size(); ++s) {
    std::printf(" %s %lld", an::kRfmSegments[s],
                static_cast<long long>(analysis.segment_counts[s]));
  }
  std::printf(
      "\nuse --json for periods, cohorts and models; --customers OUT.csv for every customer\n");
}

}  // namespace

int run_analyze(const Args& args) {
  if (args.words.size() != 1) return analyze_usage("analyze takes options only");
  auto options = analysis_options(args);
  if (!options.ok()) return analyze_usage(options.errors().front().message);
  // With --orders, the exports; without, the store's own orders of --shop.
  core::Result<an::OrdersRead> read = core::make_error(core::ErrorCode::usage, "");
  if (args.option("orders")) {
    auto input = orders_input(args);
    if (!input.ok()) return analyze_usage(input.errors().front().message);
    read = read_orders_reporting(*input);
  } else {
    auto store = open_store(args);
    if (!store) return kExitStorage;
    read = api::orders_from_store(*store, args.shop(), args.option("currency").value_or(""));
  }
  if (!read.ok()) return report_errors(read.errors());
  if (options->as_of_day) read->table = an::orders_until(read->table, *options->as_of_day);
  auto analysis = an::analyze(read->table, *options);
  if (!analysis.ok()) {
    print_errors(analysis.errors());
    return exit_code_for(analysis.errors());
  }
  if (const auto customers = args.option("customers")) {
    auto written = an::write_customers_csv(*customers, *analysis, read->table);
    if (!written.ok()) {
      print_errors(written.errors());
      return exit_code_for(written.errors());
    }
  }
  if (const auto html = args.option("html")) {
    std::FILE* file = std::fopen(html->c_str(), "w");
    const std::string page = an::render_html_report(*analysis, *read);
    if (!file || std::fwrite(page.data(), 1, page.size(), file) != page.size() ||
        std::fclose(file) != 0) {
      return report_errors(
          {core::make_error(core::ErrorCode::io_error, "cannot write the report", *html)});
    }
  }
  if (args.json()) {
    std::printf("%s\n", an::analysis_to_json(*analysis, *read).c_str());
  } else {
    print_summary(*analysis, *read);
  }
  return kExitOk;
}

}  // namespace fidelis::cli
