// apply_event() and advance_to(): the ledger rules. See docs/reference/ledger.md for the rules in
// prose; every rule here has a scenario in tests/scenarios/.
#include "domain/ledger/apply.h"

#include <algorithm>

#include "core/assert.h"
#include "domain/ledger/cashback.h"
#include "domain/ledger/earning.h"
#include "domain/ledger/ledger_writer.h"
#include "domain/ledger/milestones.h"
#include "domain/ledger/redemption.h"
#include "domain/ledger/referrals.h"
#include "domain/ledger/tiers.h"

namespace fidelis::domain {

// Defined with the missions below; the release timer calls it.
void count_released_order(LedgerWriter& writer, const Program* program, const Lot& lot,
                          core::Timestamp released_at);

namespace {

using core::ErrorCode;
using core::Timestamp;

// A consent keeps the time it was last changed: repeating an answer does not move it.
void record_consents(MemberState& s, const MemberChange& change, Timestamp at) {
  for (const auto& [topic, granted] : change.consents) {
    auto it = std::lower_bound(s.consents.begin(), s.consents.end(), topic,
                               [](const Consent& c, const std::string& t) { return c.topic < t; });
    if (it == s.consents.end() || it->topic != topic) {
      s.consents.insert(it, Consent{topic, granted, at});
    } else if (it->granted != granted) {
      it->granted = granted;
      it->at = at;
    }
  }
}

// Upper bound on timer steps in one advance: each step releases or closes a lot, closes a code,
// or clears the inactivity deadline.
// A code expiry closes a code and may re-open its lots, which may then expire once each.
std::size_t timer_steps_max(const MemberState& state, Timestamp until) {
  std::size_t lots_reopened = 0;
  for (const auto& redemption : state.redemptions) lots_reopened += redemption.lots.size();
  // Tier timers: a review, then at most one end of grace, per review period (a month at least).
  std::size_t tier_steps = 0;
  if (state.tier && until > state.clock) {
    const std::int64_t from = state.clock == Timestamp::min() ? core::utc_month_number(until)
                                                              : core::utc_month_number(state.clock);
    tier_steps = static_cast<std::size_t>(2 * (core::utc_month_number(until) - from + 2));
  }
  // Yearly milestones: each at most once a year.
  std::size_t yearly_steps = 0;
  if (until > state.clock && state.clock != Timestamp::min()) {
    yearly_steps = 3 * static_cast<std::size_t>(
                           (until.micros - state.clock.micros) / (365 * core::kMicrosPerDay) + 2);
  }
  // Spend milestones credit when an order settles: at most one line each per release.
  return (state.lots.size() + lots_reopened) * 2 + state.redemptions.size() + 5 + 2 * tier_steps +
         yearly_steps + state.wallet.pending.size();
}

// One due timer: what it is and when.
struct DueTimer {
  Timestamp at;
  // At the same instant: releases, then code expiries (so that points a code gives back to a lot
  // expiring then expire with it), then lot expiries, then inactivity.
  int rank = 0;
  std::uint32_t index = 0;  // the lot id, or the redemption's index
};

std::optional<DueTimer> earliest_due(const MemberState& state, Timestamp until) {
  std::optional<DueTimer> best;
  auto consider = [&](DueTimer timer) {
    if (timer.at > until) return;
    if (!best ||
        std::tie(timer.at, timer.rank, timer.index) < std::tie(best->at, best->rank, best->index)) {
      best = timer;
    }
  };
  for (const auto& lot : state.lots) {
    if (lot.state == LotState::pending) {
      consider({lot.available_at, 0, lot.id});
    } else if (lot.expires_at && lot.remaining > 0) {
      consider({*lot.expires_at, 2, lot.id});
    }
  }
  for (std::size_t i = 0; i < state.redemptions.size(); ++i) {
    const Redemption& redemption = state.redemptions[i];
    if (redemption.status == CodeStatus::issued && redemption.expires_at) {
      consider({*redemption.expires_at, 1, static_cast<std::uint32_t>(i)});
    }
  }
  if (state.inactivity_deadline) consider({*state.inactivity_deadline, 3, 0});
  if (const auto tier = tier_due(state)) consider({*tier, 4, 0});
  if (state.referral && state.referral->status == ReferralStatus::ordered &&
      state.referral->qualify_at) {
    consider({*state.referral->qualify_at, 5, 0});
  }
  if (state.membership && state.membership->status == MembershipStatus::active) {
    consider({state.membership->until, 6, 0});
  }
  // Yearly milestones: ranks 7 (birthday), 8 (first-purchase anniversary), 9 (program's).
  int rank = 7;
  for (const auto& yearly :
       {state.next_birthday, state.next_purchase_anniversary, state.next_program_anniversary}) {
    if (yearly) consider({*yearly, rank, 0});
    ++rank;
  }
  // Cashback releases: rank 10.
  if (const auto index = cashback_due(state, until)) {
    consider({state.wallet.pending[*index].available_at, 10, static_cast<std::uint32_t>(*index)});
  }
  return best;
}

void run_timers(LedgerWriter& writer, Timestamp until, const ProgramAt& program_at) {
  MemberState& s = writer.state();
  const std::size_t steps_max = timer_steps_max(s, until);
  for (std::size_t step = 0;; ++step) {
    FIDELIS_ASSERT(step <= steps_max);
    const auto timer = earliest_due(s, until);
    if (!timer) break;
    if (timer->rank == 0) {
      Lot* lot = writer.find_lot(timer->index);
      lot->state = LotState::available;
      const std::string order_id = lot->order_id;
      // Kept: not all taken back in the window (debt repaid from it below still counts).
      const bool kept = lot->remaining > 0;
      if (kept) {
        LedgerLine line;
        line.at = timer->at;
        line.kind = LineKind::release;
        line.points = lot->remaining;
        line.event = "timer";
        line.rule = "pending.release";
        line.lots = {{lot->id, lot->remaining}};
        line.order_id = order_id;
        writer.emit(std::move(line));
        writer.repay_debt(timer->index, timer->at, "timer", order_id);
      }
      if (const Lot* released = writer.find_lot(timer->index); released != nullptr && kept) {
        const Program* program = program_at ? program_at(timer->at) : nullptr;
        const Lot settled = *released;
        count_released_order(writer, program, settled, timer->at);
        order_settled(writer, program, settled, timer->at, "timer");
      }
    } else if (timer->rank == 1) {
      expire_code(writer, s.redemptions[timer->index]);
    } else if (timer->rank == 2) {
      Lot* lot = writer.find_lot(timer->index);
      const Points points = lot->remaining;
      lot->remaining = 0;
      s.expired += points;
      LedgerLine line;
      line.at = timer->at;
      line.kind = LineKind::expire;
      line.points = -points;
      line.event = "timer";
      line.rule = "expiry.lot";
      line.lots = {{lot->id, -points}};
      line.order_id = lot->order_id;
      writer.emit(std::move(line));
    } else if (timer->rank == 4) {
      tier_timer(s, program_at ? program_at(timer->at) : nullptr, timer->at);
    } else if (timer->rank == 6) {
      expire_membership(s);
    } else if (timer->rank == 10) {
      release_cashback(writer, timer->index);
    } else if (timer->rank >= 7) {
      celebrate_yearly(writer, program_at ? program_at(timer->at) : nullptr,
                       kYearlyMilestones[timer->rank - 7], timer->at);
    } else if (timer->rank == 5) {
      const Program* program = program_at ? program_at(timer->at) : nullptr;
      referral_qualify(writer, timer->at, "timer",
                       program != nullptr ? program->lot_expiry(timer->at) : std::nullopt);
    } else {
      s.inactivity_deadline.reset();
      LedgerLine line;
      for (auto& lot : s.lots) {
        if (lot.state != LotState::available || lot.remaining == 0) continue;
        line.lots.push_back({lot.id, -lot.remaining});
        line.points -= lot.remaining;
        lot.remaining = 0;
      }
      if (line.points != 0) {
        s.expired -= line.points;
        line.at = timer->at;
        line.kind = LineKind::expire;
        line.event = "timer";
        line.rule = "expiry.inactivity";
        writer.emit(std::move(line));
      }
    }
    writer.prune();
  }
}

core::Error located(ErrorCode code, std::string message, std::string where) {
  return core::make_error(code, std::move(message), std::move(where));
}

// The member's tier (as it stood before this order) multiplies the order's points, rounded as the
// program rounds, shared out to the lines as before.
void apply_tier_multiplier(const Program& program, const MemberState& state,
                           OrderEarning& earning) {
  const int level = benefit_level(program, state);
  if (level < 0) return;
  const std::int64_t multiplier =
      program.tiers->levels[static_cast<std::size_t>(level)].earn_multiplier;
  if (multiplier == kMultiplierScale || earning.points == 0) return;
  const Wide exact = static_cast<Wide>(earning.points) * multiplier;
  Wide points = exact / kMultiplierScale;
  const Wide remainder = exact % kMultiplierScale;
  if (program.earning.rounding == Rounding::up && remainder > 0) ++points;
  if (program.earning.rounding == Rounding::nearest && remainder * 2 >= kMultiplierScale) ++points;
  std::vector<Wide> weights;
  for (const auto& line : earning.lines) weights.push_back(line.points);
  earning.points = static_cast<Points>(points);
  const std::vector<Points> shares = distribute(earning.points, weights);
  for (std::size_t i = 0; i < shares.size(); ++i) earning.lines[i].points = shares[i];
}

// What an order.placed event earns, or why it is refused: the order exists already, or the
// program cannot price it. Nothing here depends on the member's state, so apply_event_to asks it
// before changing anything (refused_before_any_change).
core::Result<OrderEarning> check_order(const Program& program, const OrderPlaced& placed,
                                       const std::optional<OrderRecord>& existing) {
  if (existing) {
    return located(
        ErrorCode::order_already_placed,
        "order \"" + placed.order_id + "\" was already placed (event " + existing->event_id + ")",
        "/data/order_id");
  }
  return compute_order_earning(program, placed);
}

// Places an order check_order() accepted, with what it earns.
void place_order(LedgerWriter& writer, const Program& program, const Event& event,
                 const OrderPlaced& placed, OrderEarning earning, Effects& effects) {
  MemberState& s = writer.state();
  apply_tier_multiplier(program, s, earning);
  Points points = earning.points;
  // Caps count credited points per UTC day and month, in the order events are applied.
  const std::int64_t day = core::utc_day_number(event.occurred_at);
  const std::int64_t month = core::utc_month_number(event.occurred_at);
  if (s.cap_day != day) {
    s.cap_day = day;
    s.cap_day_points = 0;
  }
  if (s.cap_month != month) {
    s.cap_month = month;
    s.cap_month_points = 0;
  }
  if (program.earning.cap_per_day) {
    points = std::min(points, std::max<Points>(0, *program.earning.cap_per_day - s.cap_day_points));
  }
  if (program.earning.cap_per_month) {
    points =
        std::min(points, std::max<Points>(0, *program.earning.cap_per_month - s.cap_month_points));
  }
  const Points waived = earning.points - points;
  if (waived > 0) {
    std::vector<Wide> weights;
    for (const auto& line : earning.lines) weights.push_back(line.points);
    const std::vector<Points> shares = distribute(points, weights);
    for (std::size_t i = 0; i < shares.size(); ++i) earning.lines[i].points = shares[i];
  }
  s.cap_day_points += points;
  s.cap_month_points += points;

  OrderRecord order;
  order.order_id = placed.order_id;
  order.member = event.member;
  order.event_id = event.id;
  order.currency = placed.currency;
  order.placed_at = event.occurred_at;
  order.total_paid = earning.total_paid;
  order.merchandise = earning.merchandise;
  order.points = points;
  order.lines = std::move(earning.lines);
  const Timestamp available_at = core::add_days(event.occurred_at, program.pending_days);
  if (points > 0 || waived > 0) {
    const bool is_pending = program.pending_days > 0;
    order.lot_id = writer.credit(points, is_pending ? LotState::pending : LotState::available,
                                 is_pending ? LineKind::pending : LineKind::earn, event.occurred_at,
                                 available_at, program.lot_expiry(available_at), event,
                                 "earning.order", placed.order_id, "", waived);
    const auto& spend = program.spend_milestones;
    if (!spend.empty() && spend.front().amount.currency == placed.currency) {
      if (Lot* lot = writer.find_lot(order.lot_id)) lot->spend = order.merchandise;
    }
  }
  credit_cashback(writer, program, event, order, available_at);
  tier_record_order(s, program, order, nullptr, earning.margin);
  referral_order_placed(writer, program, event, order);
  effects.order = std::move(order);
}

core::Result<const OrderRecord*> find_order(const std::optional<OrderRecord>& order,
                                            const Event& event, const std::string& order_id) {
  // An order of another member answers exactly as an absent one.
  if (!order || order->member != event.member) {
    return located(ErrorCode::order_not_found,
                   "no order \"" + order_id + "\" for member \"" + event.member + "\"",
                   "/data/order_id");
  }
  if (order->cancelled) {
    return located(ErrorCode::order_already_cancelled, "order \"" + order_id + "\" was cancelled",
                   "/data/order_id");
  }
  return &*order;
}

// The points a refund takes back in all, as recorded on the order: each line's points in
// proportion to the units refunded, plus the order's points in proportion to the amount refunded.
Points reversal_target(const OrderRecord& order) {
  if (order.fully_refunded || order.cancelled) return order.points;
  Wide target = 0;
  for (const auto& line : order.lines) {
    if (line.quantity > 0) {
      target += static_cast<Wide>(line.points) * line.refunded_quantity / line.quantity;
    }
  }
  if (order.total_paid > 0) {
    target += static_cast<Wide>(order.points) * order.refunded_amount / order.total_paid;
  }
  return static_cast<Points>(std::min<Wide>(target, order.points));
}

// The order's record as a refund leaves it, or why the refund is refused. Nothing here depends
// on the member's state, so apply_event_to asks it before changing anything
// (refused_before_any_change).
core::Result<OrderRecord> check_refund(const Event& event, const OrderRefunded& refund,
                                       const std::optional<OrderRecord>& existing) {
  FIDELIS_TRY(const OrderRecord* found, find_order(existing, event, refund.order_id));
  if (found->fully_refunded) {
    return located(ErrorCode::order_already_refunded,
                   "order \"" + refund.order_id + "\" was already refunded in full",
                   "/data/order_id");
  }
  OrderRecord order = *found;
  if (refund.amount) {
    if (refund.currency && *refund.currency != order.currency.code_view()) {
      return located(ErrorCode::currency_mismatch,
                     "refund currency " + *refund.currency + " differs from the order's " +
                         std::string(order.currency.code_view()),
                     "/data/currency");
    }
    auto amount = core::parse_amount(*refund.amount, order.currency);
    if (!amount.ok()) return located(amount.error().code, amount.error().message, "/data/amount");
    const std::int64_t refundable = order.total_paid - order.refunded_amount;
    if (*amount > refundable) {
      return located(ErrorCode::refund_amount_exceeds_remaining,
                     "refund of " + core::format_amount(*amount, order.currency) + " exceeds the " +
                         core::format_amount(refundable, order.currency) +
                         " still refundable on order \"" + order.order_id + "\"",
                     "/data/amount");
    }
    order.refunded_amount += *amount;
  } else if (!refund.lines.empty()) {
    for (std::size_t i = 0; i < refund.lines.size(); ++i) {
      const RefundLine& wanted = refund.lines[i];
      const std::string pointer = "/data/lines/" + std::to_string(i);
      std::int64_t left = wanted.quantity;
      std::int64_t matched_refundable = 0;
      bool matched = false;
      for (auto& line : order.lines) {
        const bool is_match =
            wanted.line_id.empty() ? line.sku == wanted.sku : line.line_id == wanted.line_id;
        if (!is_match) continue;
        matched = true;
        matched_refundable += line.quantity - line.refunded_quantity;
      }
      if (!matched) {
        return located(ErrorCode::refund_line_not_found,
                       "order \"" + order.order_id + "\" has no line with " +
                           (wanted.line_id.empty() ? "sku \"" + wanted.sku + "\""
                                                   : "line_id \"" + wanted.line_id + "\""),
                       pointer);
      }
      if (left > matched_refundable) {
        return located(ErrorCode::refund_quantity_exceeds_remaining,
                       "refund of " + std::to_string(left) + " units exceeds the " +
                           std::to_string(matched_refundable) + " not yet refunded",
                       pointer + "/quantity");
      }
      for (auto& line : order.lines) {
        const bool is_match =
            wanted.line_id.empty() ? line.sku == wanted.sku : line.line_id == wanted.line_id;
        if (!is_match || left == 0) continue;
        const std::int64_t take = std::min(left, line.quantity - line.refunded_quantity);
        line.refunded_quantity += take;
        left -= take;
      }
    }
  } else {
    order.fully_refunded = true;
    for (auto& line : order.lines) line.refunded_quantity = line.quantity;
    order.refunded_amount = order.total_paid;
  }
  return order;
}

// Applies a refund check_refund() accepted: `order` is the record as the refund leaves it,
// `found` as it stood.
void refund_order(LedgerWriter& writer, const Program& program, const Event& event,
                  OrderRecord order, const OrderRecord& found, Effects& effects) {
  const Points delta = reversal_target(order) - order.reversed;
  FIDELIS_ASSERT(delta >= 0);
  writer.take_back(delta, program.shortfall, event.occurred_at, event, "order.refunded", order);
  order.reversed += delta;
  if (Lot* lot = writer.find_lot(order.lot_id);
      lot != nullptr && lot->state == LotState::pending && lot->spend > 0) {
    lot->spend = order.merchandise - order.refunded_merchandise();
  }
  take_back_cashback(writer, event, "cashback.refund", order);
  tier_record_order(writer.state(), program, order, &found, 0);
  referral_order_reduced(writer, event, order);
  effects.order = std::move(order);
}

// Applies a cancellation of `found`, an order find_order() returned before anything changed.
void cancel_order(LedgerWriter& writer, const Program& program, const Event& event,
                  const OrderRecord& found, Effects& effects) {
  OrderRecord order = found;
  order.cancelled = true;
  const Points delta = order.points - order.reversed;
  writer.take_back(delta, program.shortfall, event.occurred_at, event, "order.cancelled", order);
  order.reversed += delta;
  take_back_cashback(writer, event, "cashback.cancel", order);
  tier_record_order(writer.state(), program, order, &found, 0);
  referral_order_reduced(writer, event, order);
  effects.order = std::move(order);
}

core::Status debit(LedgerWriter& writer, const Event& event, Points points, LineKind kind,
                   std::string rule, std::string note, std::string order_id) {
  MemberState& s = writer.state();
  if (points > s.available()) {
    return located(ErrorCode::insufficient_points,
                   "member \"" + event.member + "\" has " + std::to_string(s.available()) +
                       " points available, " + std::to_string(points) + " needed",
                   "/data/points");
  }
  LedgerLine line;
  line.at = event.occurred_at;
  line.kind = kind;
  line.points = -points;
  line.event = event.id;
  line.rule = std::move(rule);
  line.lots = writer.consume_available(points);
  line.note = std::move(note);
  line.order_id = std::move(order_id);
  if (kind == LineKind::spend) {
    s.spent += points;
  } else {
    s.reversed += points;
  }
  writer.emit(std::move(line));
  writer.prune();
  return core::Ok{};
}

}  // namespace

// Finds or inserts the entry for `id` in a vector kept sorted by `key`.
template <typename Entry, typename Key>
Entry& entry_for(std::vector<Entry>& entries, const std::string& id, Key key) {
  auto it = std::lower_bound(
      entries.begin(), entries.end(), id,
      [&key](const Entry& entry, const std::string& wanted) { return entry.*key < wanted; });
  if (it == entries.end() || (*it).*key != id) {
    Entry entry;
    entry.*key = id;
    it = entries.insert(it, std::move(entry));
  }
  return *it;
}

// What an action rule's ledger note says about the action: the event type, with the detail the
// reason sentence needs ("review.posted+photo", "social.followed:instagram").
std::string action_note(const Event& event, bool photo) {
  std::string note = event.type_name;
  if (photo) note += "+photo";
  if (const auto* follow = std::get_if<SocialFollowed>(&event.data)) note += ":" + follow->network;
  return note;
}

// Whether an action rule or a mission counts the event: its type, network and time window.
bool counts(const Event& event, const std::string& on, const std::string& network,
            const std::optional<Timestamp>& from, const std::optional<Timestamp>& until) {
  if (on != event.type_name) return false;
  if ((from && event.occurred_at < *from) || (until && event.occurred_at >= *until)) return false;
  const auto* follow = std::get_if<SocialFollowed>(&event.data);
  return network.empty() || (follow != nullptr && follow->network == network);
}

// Credits every action rule the event satisfies, within its limits. A rule that does not apply
// (once already, cooling down, over a cap) credits nothing and moves no balance.
void earn_by_actions(LedgerWriter& writer, const Program& program, const Event& event) {
  MemberState& s = writer.state();
  for (const ActionRule& rule : program.actions) {
    if (!counts(event, rule.on, rule.network, rule.from, rule.until)) continue;
    ActionCount& count = entry_for(s.actions, rule.id, &ActionCount::rule);
    const std::int64_t month = core::utc_month_number(event.occurred_at);
    if (count.month != month) {
      count.month = month;
      count.month_count = 0;
    }
    if (count.count > 0) {
      if (!rule.repeat) continue;
      if (rule.cooldown_days > 0 &&
          event.occurred_at < core::add_days(count.last_at, rule.cooldown_days)) {
        continue;
      }
    }
    if (rule.max_per_member && count.count >= *rule.max_per_member) continue;
    if (rule.per_month && count.month_count >= *rule.per_month) continue;
    const auto* review = std::get_if<ReviewPosted>(&event.data);
    const bool photo = review != nullptr && review->photo && rule.photo_bonus > 0;
    const Points points = rule.points + (photo ? rule.photo_bonus : 0);
    ++count.count;
    ++count.month_count;
    count.last_at = event.occurred_at;
    writer.credit(points, LotState::available, LineKind::earn, event.occurred_at, event.occurred_at,
                  program.lot_expiry(event.occurred_at), event, "action." + rule.id, "",
                  action_note(event, photo), 0);
  }
  // Counters of rules that no longer exist are kept: a later version may bring the rule back,
  // and "once" must stay once.
}

// Counts one action toward every mission it matches; a mission completes when its count reaches
// the target (once, or once per calendar month), crediting its points and awarding its badge.
// `counted_at` places the action in a window or month; the credit is made at `credit_at`.
void count_for_missions(LedgerWriter& writer, const Program& program, const Event& action,
                        Timestamp counted_at, Timestamp credit_at) {
  MemberState& s = writer.state();
  Event placed = action;  // the window test reads the action's own time
  placed.occurred_at = counted_at;
  for (const Mission& mission : program.missions) {
    if (!counts(placed, mission.on, mission.network, mission.from, mission.until)) continue;
    MissionProgress& progress = entry_for(s.missions, mission.id, &MissionProgress::mission);
    if (!progress.started_at) progress.started_at = credit_at;
    if (mission.monthly) {
      const std::int64_t month = core::utc_month_number(counted_at);
      if (progress.month != month) {
        progress.month = month;
        progress.count = 0;
      }
    } else if (progress.completed > 0) {
      continue;  // done for good
    }
    if (++progress.count != mission.target) continue;
    ++progress.completed;
    if (!progress.completed_at) progress.completed_at = credit_at;
    const std::string rule = "mission." + mission.id;
    if (mission.points > 0) {
      writer.credit(mission.points, LotState::available, LineKind::earn, credit_at, credit_at,
                    program.lot_expiry(credit_at), action, rule, "", mission.id, 0);
    }
    writer.award_badge(mission.badge, credit_at, rule);
  }
}

// Orders count toward missions once they can no longer be cancelled: when their points are
// released (the return window passed), and only if some of those points are still there.
void count_released_order(LedgerWriter& writer, const Program* program, const Lot& lot,
                          Timestamp released_at) {
  if (program == nullptr || lot.order_id.empty()) return;
  Event order;
  order.id = "timer";
  order.type = EventType::order_placed;
  order.type_name = "order.placed";
  count_for_missions(writer, *program, order, lot.earned_at, released_at);
}

bool refused_before_any_change(EventType type) {
  switch (type) {
    case EventType::order_placed:     // check_order() runs first
    case EventType::order_refunded:   // check_refund() runs first
    case EventType::order_cancelled:  // find_order() runs first
    case EventType::member_enrolled:
    case EventType::member_updated:
    case EventType::review_posted:
    case EventType::social_followed:
    case EventType::profile_completed:
    case EventType::survey_answered:
    case EventType::support_ticket_opened:
    case EventType::custom:  // these are never refused
      return true;
    case EventType::points_adjusted:
    case EventType::points_spent:
    case EventType::reward_redeemed:
    case EventType::reward_used:
    case EventType::reward_cancelled:
    case EventType::referral_approved:
    case EventType::referral_rejected:
    case EventType::membership_started:
    case EventType::membership_renewed:
    case EventType::membership_cancelled:
    case EventType::membership_expired:
    case EventType::guest_order_placed:
      return false;
  }
  return false;
}

MemberState new_member(std::string_view member) {
  MemberState state;
  state.member = std::string(member);
  return state;
}

Effects advance_to(const MemberState& state, core::Timestamp until, const ProgramAt& program_at) {
  Effects effects;
  effects.state = state;
  advance_in_place(effects.state, until, effects, program_at);
  return effects;
}

void advance_in_place(MemberState& state, core::Timestamp until, Effects& effects,
                      const ProgramAt& program_at) {
  LedgerWriter writer(effects, state);
  run_timers(writer, until, program_at);
  if (until > state.clock) state.clock = until;
  state.check_invariants();
}

Effects apply_referral_notice(const MemberState& referrer, const ReferralNotice& notice,
                              const ProgramAt& program_at) {
  Effects effects;
  effects.state = referrer;
  LedgerWriter writer(effects);
  MemberState& s = effects.state;
  const Timestamp now = std::max(s.clock, notice.at);
  run_timers(writer, now, program_at);
  if (s.first_seen_at == Timestamp::min()) s.first_seen_at = notice.at;
  auto it = std::find_if(s.referees.begin(), s.referees.end(),
                         [&](const Referee& referee) { return referee.member == notice.referee; });
  if (it == s.referees.end()) {
    s.referees.push_back({notice.referee, notice.status, notice.at});
  } else {
    it->status = notice.status;
  }
  if (notice.points > 0) {
    Event cause;
    cause.id = notice.event;
    const Program* program = program_at ? program_at(notice.at) : nullptr;
    writer.credit(notice.points, LotState::available, LineKind::earn, notice.at, notice.at,
                  program != nullptr ? program->lot_expiry(notice.at) : std::nullopt, cause,
                  "referral.referrer", "", notice.referee, 0);
  }
  run_timers(writer, now, program_at);
  s.clock = now;
  s.check_invariants();
  return effects;
}

core::Result<Effects> apply_event(const Program& program, const MemberState& state,
                                  const Event& event, const std::optional<OrderRecord>& order,
                                  const ShopView& shop, const ProgramAt& program_at) {
  return apply_event(program, MemberState(state), event, order, shop, program_at);
}

core::Result<Effects> apply_event(const Program& program, MemberState&& state, const Event& event,
                                  const std::optional<OrderRecord>& order, const ShopView& shop,
                                  const ProgramAt& program_at) {
  Effects effects;
  effects.state = std::move(state);
  FIDELIS_CHECK(apply_event_to(program, effects.state, event, order, effects, shop, program_at));
  return effects;
}

core::Status apply_event_to(const Program& program, MemberState& s, const Event& event,
                            const std::optional<OrderRecord>& order, Effects& effects,
                            const ShopView& shop, const ProgramAt& program_at) {
  // Guest orders have no member: the engine keeps them in the input log only.
  FIDELIS_ASSERT(event.type != EventType::guest_order_placed);
  // An order's refusals come before anything changes (refused_before_any_change).
  std::optional<OrderEarning> earning;
  std::optional<OrderRecord> refunded;     // the record as an accepted refund leaves it
  const OrderRecord* cancelled = nullptr;  // the record an accepted cancellation cancels
  if (event.type == EventType::order_placed) {
    FIDELIS_TRY(earning, check_order(program, std::get<OrderPlaced>(event.data), order));
  } else if (event.type == EventType::order_refunded) {
    FIDELIS_TRY(refunded, check_refund(event, std::get<OrderRefunded>(event.data), order));
  } else if (event.type == EventType::order_cancelled) {
    FIDELIS_TRY(cancelled, find_order(order, event, std::get<OrderCancelled>(event.data).order_id));
  }
  LedgerWriter writer(effects, s);
  const Timestamp now = std::max(s.clock, event.occurred_at);
  const ProgramAt timers_program =
      program_at ? program_at : ProgramAt([&program](Timestamp) { return &program; });
  run_timers(writer, now, timers_program);
  if (s.first_seen_at == Timestamp::min()) s.first_seen_at = event.occurred_at;

  switch (event.type) {
    case EventType::member_enrolled:
    case EventType::member_updated: {
      const auto& change = std::get<MemberChange>(event.data);
      if (!change.locale.empty()) s.locale = change.locale;
      if (change.leaderboard) s.leaderboard = *change.leaderboard;
      record_consents(s, change, event.occurred_at);
      for (const std::string& digest : change.identity) {
        if (std::find(s.identity.begin(), s.identity.end(), digest) != s.identity.end()) continue;
        if (s.identity.size() == kIdentityKept) s.identity.erase(s.identity.begin());
        s.identity.push_back(digest);
      }
      const bool moved = (!change.birthday_md.empty() && change.birthday_md != s.birthday_md) ||
                         (!change.time_zone.empty() && change.time_zone != s.time_zone);
      if (!change.birthday_md.empty()) s.birthday_md = change.birthday_md;
      if (!change.time_zone.empty()) s.time_zone = change.time_zone;
      if (moved) sync_yearly(s, program, now, true);
      if (event.type == EventType::member_enrolled) {
        start_referral(writer, program, event, change, shop);
      }
      break;
    }
    case EventType::membership_started:
    case EventType::membership_renewed:
    case EventType::membership_cancelled:
    case EventType::membership_expired:
      FIDELIS_CHECK(apply_membership(s, program, event));
      break;
    case EventType::referral_approved:
    case EventType::referral_rejected:
      FIDELIS_CHECK(review_referral(writer, event, event.type == EventType::referral_approved));
      break;
    case EventType::order_placed:
      place_order(writer, program, event, std::get<OrderPlaced>(event.data), std::move(*earning),
                  effects);
      break;
    case EventType::order_cancelled:
      cancel_order(writer, program, event, *cancelled, effects);
      break;
    case EventType::order_refunded:
      refund_order(writer, program, event, std::move(*refunded), *order, effects);
      break;
    case EventType::points_adjusted: {
      const auto& adjusted = std::get<PointsAdjusted>(event.data);
      if (adjusted.points > 0) {
        // A positive adjustment is available at once, never pending (CONTRACT.md).
        writer.credit(adjusted.points, LotState::available, LineKind::adjust, event.occurred_at,
                      event.occurred_at, program.lot_expiry(event.occurred_at), event, "adjustment",
                      "", adjusted.reason, 0);
      } else {
        FIDELIS_CHECK(debit(writer, event, -adjusted.points, LineKind::adjust, "adjustment",
                            adjusted.reason, ""));
      }
      break;
    }
    case EventType::points_spent: {
      const auto& spent = std::get<PointsSpent>(event.data);
      FIDELIS_CHECK(debit(writer, event, spent.points, LineKind::spend, "spending", spent.reason,
                          spent.order_id));
      break;
    }
    case EventType::reward_redeemed:
      FIDELIS_CHECK(redeem(writer, program, event, std::get<RewardRedeemed>(event.data), shop));
      break;
    case EventType::reward_used:
      FIDELIS_CHECK(use_code(writer, event, std::get<RewardUsed>(event.data)));
      break;
    case EventType::reward_cancelled:
      FIDELIS_CHECK(cancel_code(writer, event, std::get<RewardCancelled>(event.data)));
      break;
    case EventType::survey_answered:
      if (program.keeps_monthly_facts()) {
        const auto& answer = std::get<SurveyAnswered>(event.data);
        // Each score given counts as one answer, on a 0-100 scale (lower effort is better).
        if (answer.nps) tier_record_survey(s, event.occurred_at, *answer.nps * 10);
        if (answer.csat) tier_record_survey(s, event.occurred_at, (*answer.csat - 1) * 25);
        if (answer.ces) tier_record_survey(s, event.occurred_at, (7 - *answer.ces) * 100 / 6);
      }
      break;
    case EventType::support_ticket_opened: {  // for analytics and the agent view only
      const auto& ticket = std::get<SupportTicketOpened>(event.data);
      ++s.tickets;
      if (s.recent_tickets.size() == kRecentTicketsKept) {
        s.recent_tickets.erase(s.recent_tickets.begin());
      }
      s.recent_tickets.push_back({ticket.ticket_id, ticket.topic, event.occurred_at});
      break;
    }
    case EventType::review_posted:
    case EventType::social_followed:
    case EventType::profile_completed:
    case EventType::guest_order_placed:
    case EventType::custom:
      break;
  }
  earn_by_actions(writer, program, event);
  // Orders count when released (count_released_order), or at once without a return window.
  if (event.type != EventType::order_placed) {
    count_for_missions(writer, program, event, event.occurred_at, event.occurred_at);
  } else if (program.pending_days == 0 && effects.order && effects.order->points > 0) {
    count_for_missions(writer, program, event, event.occurred_at, event.occurred_at);
  }
  if (event.type == EventType::order_placed && program.pending_days == 0 && effects.order &&
      effects.order->lot_id != 0) {
    Lot settled;
    settled.earned_at = event.occurred_at;
    settled.order_id = effects.order->order_id;
    const auto& spend = program.spend_milestones;
    if (!spend.empty() && spend.front().amount.currency == effects.order->currency) {
      settled.spend = effects.order->merchandise;
    }
    order_settled(writer, &program, settled, event.occurred_at, event.id);
  }
  if (program.expiry.mode == ExpiryMode::inactivity &&
      program.counts_as_activity(event.type_name)) {
    const Timestamp deadline = core::add_months(event.occurred_at, program.expiry.after_months);
    if (!s.inactivity_deadline || deadline > *s.inactivity_deadline) {
      s.inactivity_deadline = deadline;
    }
  }
  if (program.keeps_monthly_facts()) {
    // Points measure: what this event credited, less what it took back, in its month.
    Points points = 0;
    for (const auto& line : effects.lines) points += earned_points(line);
    if (points != 0) tier_month(s, event.occurred_at).points += points;
  }
  if (program.tiers) tier_after_event(s, program, now);
  // A program that starts or stops celebrating a yearly milestone takes effect at the member's
  // next event.
  sync_yearly(s, program, now, false);
  // A late event can create a lot whose release is already past the member's clock.
  run_timers(writer, now, timers_program);
  s.clock = now;
  s.check_invariants();
  return core::Ok{};
}

}  // namespace fidelis::domain
