// read_milestones(): "milestones": yearly dates (birthday, first-purchase and program
// anniversaries) and lifetime spend thresholds. read_leaderboard(): "leaderboard".
#include "domain/program/parse_helpers.h"

namespace fidelis::domain {
namespace {

// {"points": N, "terms": "…"} (with "launched_at" for the program anniversary).
std::optional<YearlyMilestone> read_yearly(ObjectReader& root, std::string_view key,
                                           bool launch_date) {
  const auto object = root.object(key, false);
  if (!object) return std::nullopt;
  ObjectReader reader(*object, root.pointer(key), root.errors());
  if (launch_date) {
    reader.reject_unknown({"points", "launched_at", "terms"});
  } else {
    reader.reject_unknown({"points", "terms"});
  }
  YearlyMilestone out;
  if (!reader.has("points")) {
    reader.add_error(ErrorCode::field_missing, "points is required", reader.pointer("points"));
  }
  if (launch_date && !reader.has("launched_at")) {
    reader.add_error(ErrorCode::field_missing, "launched_at is required",
                     reader.pointer("launched_at"));
  }
  out.points = read_bounded(reader, "points", 1, 1'000'000).value_or(0);
  if (launch_date) out.launched_at = read_time(reader, "launched_at").value_or(core::Timestamp{});
  out.terms = std::string(reader.string("terms", true, 1000).value_or(""));
  return out;
}

SpendMilestone read_spend(ObjectReader& reader, std::string id) {
  reader.reject_unknown({"amount", "currency", "points", "badge", "terms"});
  SpendMilestone out;
  out.id = std::move(id);
  if (auto amount = read_money(reader)) out.amount = *amount;
  out.points = read_bounded(reader, "points", 1, 1'000'000).value_or(0);
  out.badge = read_badge(reader);
  if (!reader.has("points") && !reader.has("badge")) {
    reader.add_error(ErrorCode::field_missing, "a milestone rewards points, a badge or both",
                     reader.self_pointer());
  }
  out.terms = std::string(reader.string("terms", true, 1000).value_or(""));
  return out;
}

}  // namespace

void read_milestones(ObjectReader& root, Program& program) {
  const auto milestones = root.object("milestones", false);
  if (!milestones) return;
  ObjectReader reader(*milestones, "/milestones", root.errors());
  reader.reject_unknown({"birthday", "first_purchase_anniversary", "program_anniversary", "spend"});
  program.birthday = read_yearly(reader, "birthday", false);
  program.purchase_anniversary = read_yearly(reader, "first_purchase_anniversary", false);
  program.program_anniversary = read_yearly(reader, "program_anniversary", true);
  read_rules(reader, "spend", program.spend_milestones, read_spend);
  auto& spend = program.spend_milestones;
  // One currency for all, so that one running total measures them.
  for (const SpendMilestone& milestone : spend) {
    if (!(milestone.amount.currency == spend.front().amount.currency)) {
      reader.add_error(
          ErrorCode::value_not_allowed,
          "every spend milestone is in one currency (" +
              std::string(spend.front().amount.currency.code_view()) + ")",
          core::json_pointer_child(core::json_pointer_child("/milestones/spend", milestone.id),
                                   "currency"));
    }
  }
  std::stable_sort(spend.begin(), spend.end(),
                   [](const auto& a, const auto& b) { return a.amount.minor < b.amount.minor; });
}

void read_leaderboard(ObjectReader& root, Program& program) {
  const auto object = root.object("leaderboard", false);
  if (!object) return;
  ObjectReader reader(*object, "/leaderboard", root.errors());
  reader.reject_unknown({"period", "size", "terms"});
  Leaderboard out;
  out.period = read_choice<Period>(
                   reader, "period",
                   {{"month", Period::month}, {"quarter", Period::quarter}, {"year", Period::year}})
                   .value_or(Period::month);
  out.size = static_cast<int>(read_bounded(reader, "size", 1, 100).value_or(10));
  out.terms = std::string(reader.string("terms", true, 1000).value_or(""));
  program.leaderboard = std::move(out);
}

}  // namespace fidelis::domain
