// `fidelis replay --verify`: rebuild every shop (or --shop) from its input log and compare.
#include <cstdio>

#include "cli/commands.h"
#include "core/json_writer.h"
#include "engine/engine.h"

namespace fidelis::cli {

inline constexpr int kExitReplayDiffers = 11;

int run_replay(const Args& args) {
  if (!args.flag("verify") || args.words.size() != 1) {
    print_errors({core::make_error(core::ErrorCode::usage, "usage: fidelis replay --verify")});
    return kExitUsage;
  }
  auto store = open_store(args);
  if (!store) return kExitStorage;
  auto visit = shops_to_visit(args, *store);
  if (!visit.ok()) {
    print_errors(visit.errors());
    return kExitStorage;
  }
  const std::vector<std::string>& shops = *visit;
  bool identical = true;
  core::JsonWriter out;
  out.begin_object().key("shops").begin_array();
  for (const auto& shop : shops) {
    auto report = engine::verify_replay(*store, shop);
    if (!report.ok()) {
      print_errors(report.errors());
      return kExitStorage;
    }
    identical = identical && report->differences.empty();
    out.begin_object().key("shop").value(shop);
    out.key("inputs").value(static_cast<std::uint64_t>(report->inputs));
    out.key("members").value(static_cast<std::uint64_t>(report->members));
    out.key("ledger_lines").value(static_cast<std::uint64_t>(report->lines));
    out.key("orders").value(static_cast<std::uint64_t>(report->orders));
    out.key("identical").value(report->differences.empty());
    out.key("differences").begin_array();
    for (const auto& difference : report->differences) out.value(difference);
    out.end_array().end_object();
    if (!args.json()) {
      std::printf("shop %s: %zu inputs replayed; %zu members, %zu ledger lines, %zu orders: %s\n",
                  shop.c_str(), report->inputs, report->members, report->lines, report->orders,
                  report->differences.empty() ? "identical" : "DIFFERENT");
      for (const auto& difference : report->differences) {
        std::fprintf(stderr, "fidelis: shop %s: %s\n", shop.c_str(), difference.c_str());
      }
    }
  }
  out.end_array().key("identical").value(identical).end_object();
  if (args.json()) std::printf("%s\n", out.str().c_str());
  return identical ? kExitOk : kExitReplayDiffers;
}

}  // namespace fidelis::cli
