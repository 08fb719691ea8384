// `fidelis simulate --program DRAFT [--from T1] [--to T2]`: what the draft would have done to the
// shop's stored history, beside what the live program did.
#include <cstdio>

#include "cli/commands.h"
#include "core/json_reader.h"
#include "core/json_writer.h"
#include "domain/program/fair_play.h"
#include "engine/engine.h"
#include "engine/views.h"

namespace fidelis::cli {
namespace {

std::optional<core::Timestamp> time_option(const Args& args, std::string_view name,
                                           core::Errors& errors) {
  const auto text = args.option(name);
  if (!text) return std::nullopt;
  auto at = core::parse_rfc3339(*text);
  if (!at.ok()) {
    errors.push_back(core::make_error(core::ErrorCode::usage,
                                      "--" + std::string(name) + ": " + at.error().message));
    return std::nullopt;
  }
  return *at;
}

std::string money_text(const std::optional<core::Money>& money) {
  if (!money) return "-";
  return core::format_amount(money->minor, money->currency) + " " +
         std::string(money->currency.code_view());
}

}  // namespace

int run_simulate(const Args& args) {
  const auto path = args.option("program");
  if (args.words.size() != 1 || !path) {
    print_errors({core::make_error(core::ErrorCode::usage,
                                   "usage: fidelis simulate --program DRAFT [--from T] [--to T]")});
    return kExitUsage;
  }
  core::Errors errors;
  const auto from = time_option(args, "from", errors);
  const auto to = time_option(args, "to", errors);
  if (!errors.empty()) {
    print_errors(errors);
    return kExitUsage;
  }
  auto text = read_file(*path);
  if (!text.ok()) {
    print_errors(text.errors());
    return kExitStorage;
  }
  {
    // The draft must pass `program check`, fair play included.
    core::JsonParser parser;
    auto program = domain::parse_program(parser, *text);
    core::Errors refused =
        program.ok() ? domain::check_fair_play(*program).errors : program.errors();
    if (!refused.empty()) {
      print_errors(refused, *path);
      return kExitRejected;
    }
  }
  auto store = open_store(args);
  if (!store) return kExitStorage;
  auto report = engine::simulate(*store, args.shop(), *text, from, to);
  if (!report.ok()) {
    print_errors(report.errors());
    return exit_code_for(report.errors());
  }
  const engine::SimulationReport& r = *report;
  if (args.json()) {
    core::JsonWriter out;
    engine::write_simulation_json(out, args.shop(), r, from, to);
    std::printf("%s\n", out.str().c_str());
    return kExitOk;
  }
  std::printf("shop %s: %zu inputs replayed under the live program and under %s\n",
              args.shop().c_str(), r.inputs, path->c_str());
  std::printf("%-22s %14s %14s %14s\n", "", "live", "draft", "difference");
  auto row = [](const char* name, long long live, long long draft) {
    std::printf("%-22s %14lld %14lld %+14lld\n", name, live, draft, draft - live);
  };
  row("points issued", r.live.issued, r.draft.issued);
  row("points redeemed", r.live.redeemed, r.draft.redeemed);
  row("points expired", r.live.expired, r.draft.expired);
  row("points reversed", r.live.reversed, r.draft.reversed);
  row("points outstanding", r.live.outstanding, r.draft.outstanding);
  row("rewards issued", r.live.rewards_issued, r.draft.rewards_issued);
  row("issued per member", r.live.issued_per_member(), r.draft.issued_per_member());
  std::printf("%-22s %14s %14s\n", "liability", money_text(r.live.liability).c_str(),
              money_text(r.draft.liability).c_str());
  std::printf("%-22s %14s %14s\n", "cost per member", money_text(r.live.cost_per_member).c_str(),
              money_text(r.draft.cost_per_member).c_str());
  std::printf("members affected: %zu of %zu; draft refused %zu inputs\n", r.members_affected,
              r.live.members, r.refused);
  for (const auto& refusal : r.refusals) std::printf("  refused: %s\n", refusal.c_str());
  for (const auto* totals : {&r.live, &r.draft}) {
    std::printf("tiers (%s):", totals == &r.live ? "live" : "draft");
    for (const auto& [tier, count] : totals->tiers) {
      std::printf(" %s %lld", tier.empty() ? "(none)" : tier.c_str(),
                  static_cast<long long>(count));
    }
    std::printf("\n");
  }
  // The history's inputs a second first: each is applied twice, once by each run.
  std::printf("%.2f s, %.0f history inputs/s (%.0f applied/s by the two runs)\n", r.seconds,
              r.inputs_per_second() / 2, r.inputs_per_second());
  return kExitOk;
}

}  // namespace fidelis::cli
