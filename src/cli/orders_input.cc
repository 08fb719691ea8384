#include "cli/orders_input.h"

#include <cstdio>

#include "cli/commands.h"

namespace fidelis::cli {

core::Result<analytics::OrdersInput> orders_input(const Args& args) {
  namespace an = analytics;
  auto usage = [](const std::string& why) { return core::make_error(core::ErrorCode::usage, why); };
  an::OrdersInput input;
  const auto orders = args.option("orders");
  if (!orders) return usage("--orders FILE is required");
  input.orders_path = *orders;
  input.lines_path = args.option("lines").value_or("");
  const auto format = an::parse_orders_format(args.option("format").value_or("generic"));
  if (!format) return usage("--format must be generic, online-retail, cdnow or shopify");
  input.format = *format;
  if (!input.lines_path.empty() && input.format != an::OrdersFormat::generic) {
    return usage("--lines goes with --format generic (the other layouts carry their lines)");
  }
  if (const auto columns = args.option("columns")) {
    if (input.format != an::OrdersFormat::generic)
      return usage("--columns goes with --format generic");
    auto mapping = an::parse_column_mapping(*columns);
    if (!mapping.ok()) return mapping.errors();
    input.columns = *mapping;
  }
  input.currency = args.option("currency").value_or("");
  input.strict = args.flag("strict");
  return input;
}

core::Result<analytics::OrdersRead> read_orders_reporting(const analytics::OrdersInput& input) {
  auto read = analytics::read_orders(input);
  if (read.ok() && read->bad_rows > 0) {
    print_errors(read->bad_row_examples, "skipped: ");
    std::fprintf(stderr, "fidelis: %lld bad rows skipped (--strict stops at the first)\n",
                 static_cast<long long>(read->bad_rows));
  }
  return read;
}

}  // namespace fidelis::cli
