#include "domain/ledger/segments.h"

#include <algorithm>

#include "domain/ledger/tiers.h"

namespace fidelis::domain {

bool in_segment(const Program& program, const Segment& segment, const MemberState& state,
                core::Timestamp at) {
  const std::int64_t last = core::utc_month_number(at);
  const std::int64_t first = last - segment.months + 1;
  const MonthTotals totals = month_totals(state, first, last);
  const std::int64_t orders = totals.orders;
  const std::int64_t satisfaction_sum = totals.satisfaction_sum;
  const std::int64_t satisfaction_count = totals.satisfaction_count;
  const Points points = totals.points;
  if (segment.orders_at_least && orders < *segment.orders_at_least) return false;
  if (segment.orders_at_most && orders > *segment.orders_at_most) return false;
  if (segment.points_at_least && points < *segment.points_at_least) return false;
  if (segment.satisfaction_at_least &&
      (satisfaction_count == 0 ||
       satisfaction_sum < *segment.satisfaction_at_least * satisfaction_count)) {
    return false;
  }
  if (segment.member_for_days &&
      (state.first_seen_at == core::Timestamp::min() ||
       at < core::add_days(state.first_seen_at, *segment.member_for_days))) {
    return false;
  }
  if (!segment.tiers.empty()) {
    const int level = benefit_level(program, state);
    const bool listed =
        level >= 0 && program.tiers &&
        std::find(segment.tiers.begin(), segment.tiers.end(),
                  program.tiers->levels[static_cast<std::size_t>(level)].id) != segment.tiers.end();
    if (!listed) return false;
  }
  for (const std::string& badge : segment.badges) {
    const bool held = std::any_of(state.badges.begin(), state.badges.end(),
                                  [&](const Badge& b) { return b.id == badge; });
    if (!held) return false;
  }
  if (segment.membership &&
      (!state.membership || state.membership->status != MembershipStatus::active)) {
    return false;
  }
  return true;
}

std::vector<std::string> member_segments(const Program& program, const MemberState& state,
                                         core::Timestamp at) {
  std::vector<std::string> ids;
  for (const Segment& segment : program.segments) {
    if (in_segment(program, segment, state, at)) ids.push_back(segment.id);
  }
  return ids;
}

}  // namespace fidelis::domain
