#include "domain/ledger/tiers.h"

#include <algorithm>

#include "core/assert.h"

namespace fidelis::domain {
namespace {

using core::Timestamp;

// The first instant of the review period after the one containing `at`.
Timestamp next_review(const Tiers& tiers, Timestamp at) {
  const std::int64_t length = period_months(tiers.review);
  const std::int64_t month = core::utc_month_number(at);
  return core::start_of_month_number((month / length + 1) * length);
}

// The months the measure covers at `at`: [first, last].
std::pair<std::int64_t, std::int64_t> window(const Tiers& tiers, Timestamp at) {
  const std::int64_t month = core::utc_month_number(at);
  if (tiers.calendar) {
    const std::int64_t length = period_months(*tiers.calendar);
    return {month / length * length, month};
  }
  return {month - tiers.window_months + 1, month};
}

std::int64_t percent_of(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return 0;
  return std::min<std::int64_t>(100,
                                static_cast<std::int64_t>(static_cast<Wide>(part) * 100 / whole));
}

TierMonth* find_month(MemberState& state, std::int64_t month) {
  for (auto& entry : state.tier_months) {
    if (entry.month == month) return &entry;
  }
  return nullptr;
}

void change_level(MemberState& state, const Tiers& tiers, int level, Timestamp at) {
  const std::string id = level >= 0 ? tiers.levels[static_cast<std::size_t>(level)].id : "";
  if (state.tier->id != id) {
    state.tier->id = id;
    state.tier->since = at;
  }
  state.tier->grace_until.reset();
}

}  // namespace

TierMonth& tier_month(MemberState& state, Timestamp at) {
  const std::int64_t month = core::utc_month_number(at);
  auto& months = state.tier_months;
  // Months too old for any window are dropped as time goes on.
  std::erase_if(months,
                [month](const TierMonth& entry) { return entry.month <= month - kTierMonthsKept; });
  auto it =
      std::lower_bound(months.begin(), months.end(), month,
                       [](const TierMonth& entry, std::int64_t m) { return entry.month < m; });
  if (it == months.end() || it->month != month) {
    TierMonth entry;
    entry.month = month;
    it = months.insert(it, entry);
  }
  return *it;
}

void tier_record_order(MemberState& state, const Program& program, const OrderRecord& after,
                       const OrderRecord* before, std::int64_t margin) {
  if (!program.keeps_monthly_facts()) return;
  const bool counts_spend =
      program.tiers && program.tiers->currency && after.currency == *program.tiers->currency;
  if (before == nullptr) {
    TierMonth& month = tier_month(state, after.placed_at);
    ++month.orders;
    if (counts_spend) {
      month.spend += after.merchandise;
      month.margin += margin;
    }
    return;
  }
  // A late refund of an order placed before the kept months changes nothing here.
  TierMonth* month = find_month(state, core::utc_month_number(after.placed_at));
  if (month == nullptr) return;
  const bool was_counted = !before->cancelled && !before->fully_refunded;
  const bool is_counted = !after.cancelled && !after.fully_refunded;
  if (was_counted && !is_counted) --month->orders;
  if (counts_spend)
    month->refunded += after.refunded_merchandise() - before->refunded_merchandise();
}

void tier_record_survey(MemberState& state, Timestamp at, std::int64_t score) {
  TierMonth& month = tier_month(state, at);
  month.satisfaction_sum += score;
  ++month.satisfaction_count;
}

MonthTotals month_totals(const MemberState& state, std::int64_t first, std::int64_t last) {
  MonthTotals t;
  for (const auto& month : state.tier_months) {
    if (month.month < first || month.month > last) continue;
    t.spend += month.spend;
    t.refunded += month.refunded;
    t.margin += month.margin;
    t.orders += month.orders;
    t.points += month.points;
    t.satisfaction_sum += month.satisfaction_sum;
    t.satisfaction_count += month.satisfaction_count;
    if (month.orders > 0) ++t.active_months;
  }
  return t;
}

std::int64_t tier_measure(const Tiers& tiers, const MemberState& state, Timestamp at) {
  const auto [first, last] = window(tiers, at);
  const auto [spend, refunded, margin, orders, points, satisfaction_sum, satisfaction_count,
              active_months] = month_totals(state, first, last);
  switch (tiers.measure) {
    case TierMeasure::spend:
      return spend - refunded;
    case TierMeasure::points:
      return std::max<Points>(0, points);
    case TierMeasure::orders:
      return orders;
    case TierMeasure::value_score:
      break;
  }
  const ValueScore& v = tiers.value_score;
  const std::int64_t components[] = {
      percent_of(spend - refunded, v.spend_target),
      percent_of(margin, v.margin_target),
      percent_of(active_months, last - first + 1),
      satisfaction_count > 0 ? satisfaction_sum / satisfaction_count : 50,  // neutral if unknown
      spend > 0 ? 100 - percent_of(refunded, spend) : 100,
  };
  const int weights[] = {v.spend, v.margin, v.regularity, v.satisfaction, v.returns};
  std::int64_t total = 0, weight_sum = 0;
  for (int i = 0; i < 5; ++i) {
    total += components[i] * weights[i];
    weight_sum += weights[i];
  }
  return weight_sum > 0 ? total / weight_sum : 0;
}

int qualified_level(const Tiers& tiers, std::int64_t measure) {
  int level = -1;
  for (std::size_t i = 0; i < tiers.levels.size(); ++i) {
    if (measure >= tiers.levels[i].threshold) level = static_cast<int>(i);
  }
  return level;
}

int current_level(const Tiers& tiers, const MemberState& state) {
  if (!state.tier || state.tier->id.empty()) return -1;
  return tiers.index_of(state.tier->id);
}

void tier_after_event(MemberState& state, const Program& program, Timestamp at) {
  if (!program.tiers) {
    state.tier.reset();
    return;
  }
  const Tiers& tiers = *program.tiers;
  const int qualified = qualified_level(tiers, tier_measure(tiers, state, at));
  if (!state.tier) {
    state.tier = MemberTier{};
    state.tier->review_at = next_review(tiers, at);
    change_level(state, tiers, qualified, at);
    state.tier->since = at;
    return;
  }
  const int current = current_level(tiers, state);
  if (qualified > current) {
    change_level(state, tiers, qualified, at);
  } else if (qualified == current && state.tier->grace_until) {
    state.tier->grace_until.reset();  // qualified again during grace
  }
}

void tier_timer(MemberState& state, const Program* program, Timestamp at) {
  FIDELIS_ASSERT(state.tier.has_value());
  if (program == nullptr || !program->tiers) {
    state.tier.reset();
    return;
  }
  const Tiers& tiers = *program->tiers;
  MemberTier& tier = *state.tier;
  const int current = current_level(tiers, state);
  if (tier.grace_until && *tier.grace_until <= at && tier.review_at > at) {
    // The end of grace: measured now.
    const int qualified = qualified_level(tiers, tier_measure(tiers, state, at));
    if (qualified >= current) {
      tier.grace_until.reset();
    } else {
      change_level(state, tiers, tiers.downgrade == Downgrade::one_step ? current - 1 : qualified,
                   at);
    }
    return;
  }
  // A review: measured over the window as it stood just before it.
  tier.review_at = next_review(tiers, at);
  const int qualified =
      qualified_level(tiers, tier_measure(tiers, state, Timestamp{at.micros - 1}));
  if (current < 0 && !tier.id.empty()) {
    change_level(state, tiers, qualified, at);  // the level left the program
  } else if (qualified >= current) {
    tier.grace_until.reset();
  } else if (tiers.grace_days > 0) {
    if (!tier.grace_until) tier.grace_until = core::add_days(at, tiers.grace_days);
  } else {
    change_level(state, tiers, tiers.downgrade == Downgrade::one_step ? current - 1 : qualified,
                 at);
  }
}

std::optional<Timestamp> tier_due(const MemberState& state) {
  if (!state.tier) return std::nullopt;
  Timestamp due = state.tier->review_at;
  if (state.tier->grace_until && *state.tier->grace_until < due) due = *state.tier->grace_until;
  return due;
}

int benefit_level(const Program& program, const MemberState& state) {
  if (!program.tiers) return -1;
  int level = current_level(*program.tiers, state);
  if (state.membership && state.membership->status == MembershipStatus::active) {
    for (const auto& plan : program.memberships) {
      if (plan.id == state.membership->plan) {
        level = std::max(level, program.tiers->index_of(plan.level));
      }
    }
  }
  return level;
}

core::Status apply_membership(MemberState& state, const Program& program, const Event& event) {
  const auto& change = std::get<MembershipChange>(event.data);
  const bool active = state.membership && state.membership->status == MembershipStatus::active;
  if (!change.plan.empty()) {
    const bool known =
        std::any_of(program.memberships.begin(), program.memberships.end(),
                    [&](const MembershipPlan& plan) { return plan.id == change.plan; });
    if (!known) {
      return core::make_error(core::ErrorCode::membership_plan_unknown,
                              "the program has no membership plan \"" + change.plan + "\"",
                              "/data/plan");
    }
  }
  if (change.until && *change.until <= event.occurred_at) {
    return core::make_error(core::ErrorCode::value_out_of_range,
                            "until must be after the event's occurred_at", "/data/until");
  }
  if (event.type != EventType::membership_started && !active) {
    return core::make_error(core::ErrorCode::membership_not_active,
                            "member \"" + event.member + "\" has no active membership", "/type");
  }
  switch (event.type) {
    case EventType::membership_started:
      state.membership = Membership{change.plan, MembershipStatus::active, event.occurred_at,
                                    *change.until, Timestamp{}};
      break;
    case EventType::membership_renewed:
      if (!change.plan.empty()) state.membership->plan = change.plan;
      state.membership->until = *change.until;
      break;
    default:
      // Cancelled or expired: the benefits end now, whatever was paid for (no trap either way:
      // the shop reports the cancellation when the member asks, and it takes effect then).
      state.membership->status = event.type == EventType::membership_cancelled
                                     ? MembershipStatus::cancelled
                                     : MembershipStatus::expired;
      state.membership->ended_at = event.occurred_at;
      break;
  }
  return core::Ok{};
}

void expire_membership(MemberState& state) {
  FIDELIS_ASSERT(state.membership && state.membership->status == MembershipStatus::active);
  state.membership->status = MembershipStatus::expired;
  state.membership->ended_at = state.membership->until;
}

TierProgress tier_progress(const Tiers& tiers, const MemberState& state, Timestamp now) {
  TierProgress progress;
  progress.level = current_level(tiers, state);
  progress.measure = tier_measure(tiers, state, now);
  for (int i = progress.level + 1; i < static_cast<int>(tiers.levels.size()); ++i) {
    if (!tiers.levels[static_cast<std::size_t>(i)].secret) {
      progress.next = i;
      progress.to_next = std::max<std::int64_t>(
          0, tiers.levels[static_cast<std::size_t>(i)].threshold - progress.measure);
      break;
    }
  }
  if (progress.level >= 0) {
    progress.to_keep = std::max<std::int64_t>(
        0, tiers.levels[static_cast<std::size_t>(progress.level)].threshold - progress.measure);
  }
  return progress;
}

}  // namespace fidelis::domain
