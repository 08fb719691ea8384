// `fidelis simulate --program DRAFT [--from T1] [--to T2]`: what the draft would have done to the
// shop's stored history, beside what the live program did.
#include <cstdio>

#include "cli/commands.h"
#include "core/json_writer.h"
#include "domain/program/fair_play.h"
#include "engine/engine.h"

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

void write_totals(core::JsonWriter& out, const engine::SimulationTotals& t) {
  out.begin_object();
  out.key("points_issued").value(t.issued).key("points_redeemed").value(t.redeemed);
  out.key("points_expired").value(t.expired).key("points_reversed").value(t.reversed);
  out.key("points_outstanding").value(t.outstanding);
  out.key("liability");
  if (t.liability) {
    out.begin_object()
        .key("amount")
        .value(core::format_amount(t.liability->minor, t.liability->currency))
        .key("currency")
        .value(t.liability->currency.code_view())
        .end_object();
  } else {
    out.null();
  }
  out.key("rewards_issued").value(t.rewards_issued);
  out.key("members").value(static_cast<std::uint64_t>(t.members));
  out.key("issued_per_member")
      .value(t.members > 0 ? t.issued / static_cast<std::int64_t>(t.members) : 0);
  out.key("tiers").begin_object();
  for (const auto& [tier, count] : t.tiers) out.key(tier.empty() ? "(none)" : tier).value(count);
  out.end_object().end_object();
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
  const double rate = r.seconds > 0 ? 2.0 * static_cast<double>(r.inputs) / r.seconds : 0;
  if (args.json()) {
    core::JsonWriter out;
    out.begin_object()
        .key("shop")
        .value(args.shop())
        .key("inputs")
        .value(static_cast<std::uint64_t>(r.inputs));
    out.key("from");
    from ? out.value(core::format_rfc3339(*from)) : out.null();
    out.key("to");
    to ? out.value(core::format_rfc3339(*to)) : out.null();
    out.key("live");
    write_totals(out, r.live);
    out.key("draft");
    write_totals(out, r.draft);
    out.key("members_affected").value(static_cast<std::uint64_t>(r.members_affected));
    out.key("refused").value(static_cast<std::uint64_t>(r.refused));
    out.key("refusals").begin_array();
    for (const auto& refusal : r.refusals) out.value(refusal);
    out.end_array();
    out.key("inputs_per_second").value(static_cast<std::int64_t>(rate));
    out.end_object();
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
  std::printf("%-22s %14s %14s\n", "liability", money_text(r.live.liability).c_str(),
              money_text(r.draft.liability).c_str());
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
  std::printf("%.2f s, %.0f inputs/s\n", r.seconds, rate);
  return kExitOk;
}

}  // namespace fidelis::cli
