// Tiers in the member state (docs/reference/program.md "Tiers"): the per-month facts a tier
// measure needs, the measure over the program's window, upgrades at once, and the two timers
// (review, end of grace) that may move a member down.
#pragma once

#include <optional>

#include "core/result.h"
#include "core/time.h"
#include "domain/event/event.h"
#include "domain/ledger/state.h"
#include "domain/program/program.h"

namespace fidelis::domain {

// The month entry for `at`, created (and old months dropped) as needed.
TierMonth& tier_month(MemberState& state, core::Timestamp at);

// An order placed or reduced (refund, cancellation): its spend, margin and count in the month it
// was placed. `before` is the record before the change (nothing for a new order). Only under a
// program that keeps monthly facts (tiers or segments); spend only in the tiers' currency.
void tier_record_order(MemberState& state, const Program& program, const OrderRecord& after,
                       const OrderRecord* before, std::int64_t margin);
// The monthly facts summed over the months numbered [first, last] (core::utc_month_number).
struct MonthTotals {
  std::int64_t spend = 0, refunded = 0, margin = 0, orders = 0;
  Points points = 0;
  std::int64_t satisfaction_sum = 0, satisfaction_count = 0;
  std::int64_t active_months = 0;  // months with an order counted
};
MonthTotals month_totals(const MemberState& state, std::int64_t first, std::int64_t last);
// A survey answer's satisfaction, scored 0-100: NPS x 10, CSAT (x - 1) x 25, CES (7 - x) x 100 / 6.
void tier_record_survey(MemberState& state, core::Timestamp at, std::int64_t score);

// The measure of `tiers` for the member at `at`.
std::int64_t tier_measure(const Tiers& tiers, const MemberState& state, core::Timestamp at);
// The highest level whose threshold the measure reaches, or -1.
int qualified_level(const Tiers& tiers, std::int64_t measure);
// The member's level index, or -1 (no tier, or one the program no longer has).
int current_level(const Tiers& tiers, const MemberState& state);

// After an event at `at`: starts tier tracking, and upgrades at once when the member qualifies
// for a higher level (a member who qualifies again during grace leaves it).
void tier_after_event(MemberState& state, const Program& program, core::Timestamp at);
// The tier timer due at `at` (review or end of grace), under `program` (which may have no tiers:
// then the member's tier is dropped).
void tier_timer(MemberState& state, const Program* program, core::Timestamp at);
// The earliest tier timer, if any.
std::optional<core::Timestamp> tier_due(const MemberState& state);

// The level whose benefits the member enjoys now: their tier, or the level of an active paid
// membership when that is higher. -1 when neither.
int benefit_level(const Program& program, const MemberState& state);
// membership.started / renewed / cancelled / expired.
core::Status apply_membership(MemberState& state, const Program& program, const Event& event);
// The timer: the period paid for ended without a renewal.
void expire_membership(MemberState& state);

// What a member sees: the level, the next visible level and what remains to reach it, what
// remains to keep the level at the next review.
struct TierProgress {
  int level = -1;
  std::int64_t measure = 0;
  int next = -1;  // next level up that is not secret (or is the member's), -1 at the top
  std::int64_t to_next = 0;
  std::int64_t to_keep = 0;  // at the next review (measured over the window then)
};
TierProgress tier_progress(const Tiers& tiers, const MemberState& state, core::Timestamp now);

}  // namespace fidelis::domain
