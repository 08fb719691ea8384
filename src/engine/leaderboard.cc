// Engine::leaderboard(): the opt-in, pseudonymous leaderboard (docs/reference/program.md
// "Leaderboard"). Read-only: it changes no state and rewards nothing.
#include <algorithm>

#include "core/digest.h"
#include "domain/reward/code.h"
#include "engine/engine.h"

namespace fidelis::engine {

core::Result<std::string> Engine::pseudonym(const std::string& shop_id, const std::string& member) {
  FIDELIS_TRY(const std::string digest, keyed_digest(shop_id, "leaderboard\x1f" + member));
  const std::string code = domain::referral_code_from_digest(digest);
  return "Member " + code.substr(2, 6);
}

core::Result<Engine::Leaderboard> Engine::leaderboard(const std::string& shop_id,
                                                      core::Timestamp at) {
  FIDELIS_TRY(const domain::Program* program, program_in_force(shop_id, at));
  if (program == nullptr || !program->leaderboard) {
    return core::make_error(
        core::ErrorCode::value_not_allowed,
        "the program in force on " + core::format_rfc3339(at) + " has no leaderboard");
  }
  const std::int64_t length = domain::period_months(program->leaderboard->period);
  const std::int64_t first_month = core::utc_month_number(at) / length * length;
  Leaderboard board;
  board.from = core::start_of_month_number(first_month);
  board.until = core::start_of_month_number(first_month + length);

  std::vector<std::string> opted_in;
  FIDELIS_CHECK(store_.for_each_member(shop_id, [&](const domain::MemberState& state) {
    if (state.leaderboard) opted_in.push_back(state.member);
  }));
  board.participants = static_cast<std::int64_t>(opted_in.size());
  for (const std::string& member : opted_in) {
    FIDELIS_TRY(const auto lines, store_.ledger(shop_id, member, 0, SIZE_MAX));
    domain::Points points = 0;
    for (const auto& line : lines) {
      if (line.at >= board.from && line.at < board.until) points += domain::earned_points(line);
    }
    FIDELIS_TRY(std::string name, pseudonym(shop_id, member));
    board.entries.push_back({0, std::move(name), points});
  }
  std::sort(board.entries.begin(), board.entries.end(), [](const auto& a, const auto& b) {
    return a.points != b.points ? a.points > b.points : a.pseudonym < b.pseudonym;
  });
  for (std::size_t i = 0; i < board.entries.size(); ++i) {
    const bool tied = i > 0 && board.entries[i].points == board.entries[i - 1].points;
    board.entries[i].rank = tied ? board.entries[i - 1].rank : static_cast<std::int64_t>(i + 1);
  }
  if (board.entries.size() > static_cast<std::size_t>(program->leaderboard->size)) {
    board.entries.resize(static_cast<std::size_t>(program->leaderboard->size));
  }
  return board;
}

}  // namespace fidelis::engine
