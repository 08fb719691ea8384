// `fidelis member show ID` and `fidelis member ledger ID`.
#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "core/json_writer.h"
#include "domain/ledger/tiers.h"
#include "engine/engine.h"
#include "engine/views.h"

namespace fidelis::cli {
namespace {

constexpr std::size_t kLedgerLimitDefault = 1000;
constexpr std::size_t kLedgerLimitMax = 100'000;

int not_found(const std::string& shop, const std::string& member) {
  print_errors({core::make_error(core::ErrorCode::member_not_found,
                                 "no member \"" + member + "\" in shop \"" + shop + "\"")});
  return kExitNotFound;
}

void print_member(const domain::MemberState& s, const domain::Program* program) {
  std::printf("member %s, as of %s\n", s.member.c_str(), core::format_rfc3339(s.clock).c_str());
  std::printf("  available %lld\n  pending   %lld\n  debt      %lld\n",
              static_cast<long long>(s.available()), static_cast<long long>(s.pending()),
              static_cast<long long>(s.debt));
  std::printf("  earned %lld, spent %lld, expired %lld, reversed %lld\n",
              static_cast<long long>(s.earned), static_cast<long long>(s.spent),
              static_cast<long long>(s.expired), static_cast<long long>(s.reversed));
  if (const auto next = s.next_expiry()) {
    std::printf("  next expiry: %lld points at %s\n", static_cast<long long>(next->points),
                core::format_rfc3339(next->at).c_str());
  }
  if (program != nullptr && program->tiers && s.tier) {
    const domain::Tiers& tiers = *program->tiers;
    const domain::TierProgress progress = domain::tier_progress(tiers, s, s.clock);
    std::printf("  tier %s since %s, next review %s%s\n",
                progress.level >= 0
                    ? tiers.levels[static_cast<std::size_t>(progress.level)].name.c_str()
                    : "(none yet)",
                core::format_rfc3339(s.tier->since).c_str(),
                core::format_rfc3339(s.tier->review_at).c_str(),
                s.tier->grace_until
                    ? (", in grace until " + core::format_rfc3339(*s.tier->grace_until)).c_str()
                    : "");
    if (progress.next >= 0) {
      std::printf("  next tier %s: %lld to go (%s)\n",
                  tiers.levels[static_cast<std::size_t>(progress.next)].name.c_str(),
                  static_cast<long long>(progress.to_next),
                  tiers.measure == domain::TierMeasure::spend    ? "minor units of spend"
                  : tiers.measure == domain::TierMeasure::points ? "points"
                  : tiers.measure == domain::TierMeasure::orders ? "orders"
                                                                 : "value score");
    }
  }
  for (const auto& code : s.redemptions) {
    std::printf("  code %s: %s (%s), %s\n", code.code.c_str(), code.name.c_str(),
                code.reward.c_str(), std::string(domain::code_status_name(code.status)).c_str());
  }
  for (const auto& badge : s.badges) {
    std::printf("  badge %s since %s (%s)\n", badge.id.c_str(),
                core::format_rfc3339(badge.at).c_str(), badge.source.c_str());
  }
  for (const auto& progress : s.missions) {
    std::printf("  mission %s: %lld counted, completed %lld time%s\n", progress.mission.c_str(),
                static_cast<long long>(progress.count), static_cast<long long>(progress.completed),
                progress.completed == 1 ? "" : "s");
  }
}

}  // namespace

int run_member(const Args& args) {
  if (args.words.size() != 3 || (args.words[1] != "show" && args.words[1] != "ledger")) {
    print_errors(
        {core::make_error(core::ErrorCode::usage, "usage: fidelis member show|ledger MEMBER_ID")});
    return kExitUsage;
  }
  auto store = open_store(args);
  if (!store) return kExitStorage;
  const std::string shop = args.shop();
  const std::string& member = args.words[2];
  auto state = store->member(shop, member);
  if (!state.ok()) {
    print_errors(state.errors());
    return kExitStorage;
  }
  if (!*state) return not_found(shop, member);
  if (args.words[1] == "show") {
    engine::Engine engine(*store);
    auto program = engine.program_in_force(shop, (*state)->clock);
    if (!program.ok()) {
      print_errors(program.errors());
      return kExitStorage;
    }
    auto code = engine.referral_code(shop, member);
    if (!code.ok()) {
      print_errors(code.errors());
      return kExitStorage;
    }
    if (args.json()) {
      core::JsonWriter out;
      engine::write_member_json(out, shop, **state, *program, *code);
      std::printf("%s\n", out.str().c_str());
    } else {
      print_member(**state, *program);
    }
    return kExitOk;
  }
  std::uint64_t after = 0;
  std::size_t limit = kLedgerLimitDefault;
  if (const auto text = args.option("after")) after = std::strtoull(text->c_str(), nullptr, 10);
  if (const auto text = args.option("limit")) {
    limit = std::strtoull(text->c_str(), nullptr, 10);
    if (limit == 0 || limit > kLedgerLimitMax) {
      print_errors({core::make_error(core::ErrorCode::usage, "--limit must be from 1 to 100000")});
      return kExitUsage;
    }
  }
  auto lines = store->ledger(shop, member, after, limit);
  if (!lines.ok()) {
    print_errors(lines.errors());
    return kExitStorage;
  }
  const std::string& locale = (*state)->locale;
  if (args.json()) {
    core::JsonWriter out;
    engine::write_ledger_page_json(out, shop, **state, *lines, limit);
    std::printf("%s\n", out.str().c_str());
    return kExitOk;
  }
  for (const auto& line : *lines) {
    std::printf("%5llu  %s  %-8s %+8lld  %s\n", static_cast<unsigned long long>(line.seq),
                core::format_rfc3339(line.at).c_str(),
                std::string(domain::line_kind_name(line.kind)).c_str(),
                static_cast<long long>(line.points),
                domain::reason_sentence(line, locale, (*state)->wallet.currency).c_str());
  }
  return kExitOk;
}

}  // namespace fidelis::cli
