#include "domain/ledger/state.h"

#include <gtest/gtest.h>

#include "core/assert.h"
#include "domain/ledger/apply.h"

namespace fidelis::domain {
namespace {

core::Timestamp at(std::string_view text) { return *core::parse_rfc3339(text); }

Program lot_program(int pending_days, int expiry_days) {
  Program program;
  program.name = "test";
  program.earning.rates = {{"*", 1, "1"}};
  program.pending_days = pending_days;
  program.expiry.mode = ExpiryMode::lot;
  program.expiry.after_days = expiry_days;
  return program;
}

// An event of member m1.
Event member_event(std::string id, EventType type, std::string_view type_name,
                   std::string_view when) {
  Event event;
  event.id = std::move(id);
  event.type = type;
  event.type_name = type_name;
  event.member = "m1";
  event.occurred_at = at(when);
  return event;
}

Event adjustment(std::string id, std::string_view when, Points points) {
  Event event = member_event(std::move(id), EventType::points_adjusted, "points.adjusted", when);
  event.data = PointsAdjusted{points, "test", ""};
  return event;
}

Event spend(std::string id, std::string_view when, Points points) {
  Event event = adjustment(std::move(id), when, 0);
  event.type = EventType::points_spent;
  event.type_name = "points.spent";
  event.data = PointsSpent{points, "", ""};
  return event;
}

TEST(Lots, SpendingTakesTheSoonestExpiringLotFirstAndLeavesSpentLotsAlone) {
  const Program program = lot_program(0, 30);
  MemberState state = new_member("m1");
  state = apply_event(program, state, adjustment("a", "2025-01-10T00:00:00Z", 10), {})->state;
  state = apply_event(program, state, adjustment("b", "2025-01-01T00:00:00Z", 10), {})->state;
  // Lot 2 arrived later but is dated earlier (a late event): it keeps its own date, so it
  // expires on 2025-01-31, before lot 1 (2025-02-09).
  ASSERT_EQ(state.lots.size(), 2u);
  auto spent = apply_event(program, state, spend("c", "2025-01-11T00:00:00Z", 12), {});
  ASSERT_TRUE(spent.ok());
  ASSERT_EQ(spent->lines.size(), 1u);
  ASSERT_EQ(spent->lines[0].lots.size(), 2u);
  EXPECT_EQ(spent->lines[0].lots[0].lot, 2u);  // expires first (credited at 2025-01-01)
  EXPECT_EQ(spent->lines[0].lots[0].points, -10);
  EXPECT_EQ(spent->lines[0].lots[1].points, -2);
  // Lot 2 is closed: when its date passes nothing expires for it.
  const Effects later = advance_to(spent->state, at("2025-03-01T00:00:00Z"));
  ASSERT_EQ(later.lines.size(), 1u);
  EXPECT_EQ(later.lines[0].kind, LineKind::expire);
  EXPECT_EQ(later.lines[0].points, -8);
  EXPECT_EQ(later.state.available(), 0);
  later.state.check_invariants();
}

TEST(Lots, NextDueIsTheEarliestReleaseOrExpiry) {
  const Program program = lot_program(14, 365);
  MemberState state = new_member("m1");
  EXPECT_FALSE(state.next_due());
  Event order = adjustment("o", "2025-03-01T00:00:00Z", 0);
  order.type = EventType::order_placed;
  order.type_name = "order.placed";
  OrderPlaced placed;
  placed.order_id = "o1";
  placed.currency = *core::find_currency("EUR");
  placed.lines.push_back({"", "A", "", 1, 2500, std::nullopt});
  order.data = placed;
  auto effects = apply_event(program, state, order, {});
  ASSERT_TRUE(effects.ok());
  EXPECT_EQ(effects->state.pending(), 25);
  EXPECT_EQ(*effects->state.next_due(), at("2025-03-15T00:00:00Z"));
  EXPECT_FALSE(effects->state.next_expiry());
  const Effects released = advance_to(effects->state, at("2025-03-15T00:00:00Z"));
  EXPECT_EQ(released.state.available(), 25);
  EXPECT_EQ(*released.state.next_due(), at("2026-03-15T00:00:00Z"));
  EXPECT_EQ(released.state.next_expiry()->points, 25);
}

TEST(Lots, ReleasedPointsRepayDebtFirst) {
  MemberState state = new_member("m1");
  Lot lot;
  lot.id = 1;
  lot.state = LotState::pending;
  lot.granted = lot.remaining = 40;
  lot.available_at = at("2025-02-01T00:00:00Z");
  state.lots.push_back(lot);
  state.next_lot_id = 2;
  // Earned 100 and spent 60; a take-back of 70 found 40 and left 30 as debt; then a new order
  // brought this pending lot of 40.
  state.earned = 140;
  state.spent = 60;
  state.reversed = 70;
  state.debt = 30;
  state.check_invariants();
  const Effects effects = advance_to(state, at("2025-02-01T00:00:00Z"));
  ASSERT_EQ(effects.lines.size(), 2u);
  EXPECT_EQ(effects.lines[0].kind, LineKind::release);
  EXPECT_EQ(effects.lines[1].kind, LineKind::repay);
  EXPECT_EQ(effects.lines[1].points, -30);
  EXPECT_EQ(effects.state.debt, 0);
  EXPECT_EQ(effects.state.available(), 10);
  EXPECT_EQ(effects.lines[1].available_after, 10);
}

// apply_event_to changes the state it is given, exactly as apply_event changes its copy, and adds
// the same lines; a refused event reports the same error (the caller keeps a copy to go back to).
TEST(ApplyEventTo, ChangesTheGivenStateAsApplyEventChangesItsCopy) {
  const Program program = lot_program(7, 30);
  MemberState copied = new_member("m1");
  MemberState in_place = new_member("m1");
  const std::vector<Event> events = {
      adjustment("e1", "2025-01-01T00:00:00Z", 50), spend("e2", "2025-01-03T00:00:00Z", 20),
      spend("e3", "2025-01-04T00:00:00Z", 500), adjustment("e4", "2025-03-01T00:00:00Z", 5)};
  for (const Event& event : events) {
    SCOPED_TRACE(event.id);
    const auto applied = apply_event(program, copied, event, std::nullopt);
    MemberState before = in_place;
    Effects effects;
    const core::Status status = apply_event_to(program, in_place, event, std::nullopt, effects);
    ASSERT_EQ(status.ok(), applied.ok());
    if (!applied.ok()) {
      EXPECT_EQ(status.error(), applied.error());  // e3: more than the balance
      in_place = std::move(before);
      continue;
    }
    EXPECT_EQ(in_place, applied->state);
    EXPECT_EQ(effects.lines, applied->lines);
    copied = applied->state;
  }
  EXPECT_EQ(in_place.spent, 20);
  EXPECT_EQ(in_place.expired, 30);  // the rest of e1's lot, 30 days on
}

// A program with 7-day pending and 30-day expiry that earns on euros, and a member holding 50
// points that expire on January 31st 2025: any later event runs the expiry first.
Program euro_lot_program() {
  Program program = lot_program(7, 30);
  program.earning.rates = {{"EUR", 1, "1.00"}};
  return program;
}
// `effects` (optional) receives the adjustment's effects.
MemberState member_with_points_expiring_january_31(const Program& program,
                                                   Effects* effects = nullptr) {
  MemberState state = new_member("m1");
  Effects earned;
  FIDELIS_ASSERT(apply_event_to(program, state, adjustment("e1", "2025-01-01T00:00:00Z", 50),
                                std::nullopt, effects != nullptr ? *effects : earned)
                     .ok());
  return state;
}

// An order is refused (placed already, or priced in a currency the program has no rate for)
// before anything changes, even with timers due: refused_before_any_change says so, and the
// simulation applies such events to the member's own state.
TEST(ApplyEventTo, RefusesAnOrderBeforeChangingTheState) {
  ASSERT_TRUE(refused_before_any_change(EventType::order_placed));
  ASSERT_FALSE(refused_before_any_change(EventType::points_spent));
  const Program program = euro_lot_program();
  MemberState state = member_with_points_expiring_january_31(program);
  Event order = member_event("e2", EventType::order_placed, "order.placed", "2025-02-01T00:00:00Z");
  OrderPlaced placed;
  placed.order_id = "o1";
  placed.currency = *core::find_currency("USD");
  placed.lines.push_back({"", "SKU", "", 1, 1000, std::nullopt});
  order.data = placed;
  const MemberState before = state;
  Effects effects;
  EXPECT_EQ(apply_event_to(program, state, order, std::nullopt, effects).error().code,
            core::ErrorCode::currency_not_in_program);
  EXPECT_EQ(state, before);
  EXPECT_TRUE(effects.lines.empty());

  std::get<OrderPlaced>(order.data).currency = *core::find_currency("EUR");
  OrderRecord placed_before;
  placed_before.order_id = "o1";
  placed_before.member = "m1";
  placed_before.event_id = "e0";
  EXPECT_EQ(apply_event_to(program, state, order, placed_before, effects).error().code,
            core::ErrorCode::order_already_placed);
  EXPECT_EQ(state, before);
  // Accepted, the same order runs the expiry first.
  ASSERT_TRUE(apply_event_to(program, state, order, std::nullopt, effects).ok());
  EXPECT_EQ(effects.lines.front().kind, LineKind::expire);
}

// Refunds and cancellations are refused by their order record alone, before the member's timers
// run: applied in place, a refused one leaves the state as it was, though an expiry was due.
TEST(ApplyEventTo, RefusesARefundOrCancellationBeforeChangingTheState) {
  ASSERT_TRUE(refused_before_any_change(EventType::order_refunded));
  ASSERT_TRUE(refused_before_any_change(EventType::order_cancelled));
  const Program program = euro_lot_program();
  MemberState state = member_with_points_expiring_january_31(program);
  OrderRecord record;
  record.order_id = "o1";
  record.member = "m1";
  record.event_id = "e0";
  record.currency = *core::find_currency("EUR");
  record.total_paid = 1000;
  record.merchandise = 1000;
  record.lines.push_back({"1", "SKU", 1, 0, 0, 1000});
  Event refund =
      member_event("e2", EventType::order_refunded, "order.refunded", "2025-02-01T00:00:00Z");
  refund.data = OrderRefunded{"o1", {}, "10.01", std::nullopt};
  const MemberState before = state;
  Effects effects;
  EXPECT_EQ(apply_event_to(program, state, refund, record, effects).error().code,
            core::ErrorCode::refund_amount_exceeds_remaining);
  EXPECT_EQ(state, before);
  refund.data = OrderRefunded{"o1", {{"", "OTHER", 1}}, std::nullopt, std::nullopt};
  EXPECT_EQ(apply_event_to(program, state, refund, record, effects).error().code,
            core::ErrorCode::refund_line_not_found);
  EXPECT_EQ(state, before);
  Event cancel = refund;
  cancel.type = EventType::order_cancelled;
  cancel.type_name = "order.cancelled";
  cancel.data = OrderCancelled{"o2"};
  EXPECT_EQ(apply_event_to(program, state, cancel, std::nullopt, effects).error().code,
            core::ErrorCode::order_not_found);
  EXPECT_EQ(state, before);
  record.cancelled = true;
  cancel.data = OrderCancelled{"o1"};
  EXPECT_EQ(apply_event_to(program, state, cancel, record, effects).error().code,
            core::ErrorCode::order_already_cancelled);
  EXPECT_EQ(state, before);
  EXPECT_TRUE(effects.lines.empty());
  // Accepted, a refund runs the expiry first.
  record.cancelled = false;
  refund.data = OrderRefunded{"o1", {}, "5.00", std::nullopt};
  ASSERT_TRUE(apply_event_to(program, state, refund, record, effects).ok());
  EXPECT_EQ(effects.lines.front().kind, LineKind::expire);
  ASSERT_TRUE(effects.order.has_value());
  EXPECT_EQ(effects.order->refunded_amount, 500);
}

// advance_in_place runs the timers on the state it is given exactly as advance_to does on its
// copy: same state, same lines, and the effects it is given may hold an earlier run's lines.
TEST(AdvanceInPlace, ChangesTheGivenStateAsAdvanceToChangesItsCopy) {
  const Program program = lot_program(7, 30);
  Effects earned;
  MemberState state = member_with_points_expiring_january_31(program, &earned);
  Effects effects;
  effects.lines = earned.lines;
  for (const char* until : {"2025-01-10T00:00:00Z", "2025-02-15T00:00:00Z"}) {
    SCOPED_TRACE(until);
    const Effects copied = advance_to(state, at(until));
    effects.lines.clear();
    advance_in_place(state, at(until), effects);
    EXPECT_EQ(state, copied.state);
    EXPECT_EQ(effects.lines, copied.lines);
  }
  EXPECT_EQ(state.expired, 50);  // e1's lot, 30 days on
  EXPECT_EQ(state.clock, at("2025-02-15T00:00:00Z"));
  ASSERT_EQ(effects.lines.size(), 1u);
}

TEST(ReasonSentence, SaysWhichActionEarnedInEnglishAndFrench) {
  auto sentence = [](std::string rule, std::string note, std::string_view locale) {
    LedgerLine line;
    line.kind = LineKind::earn;
    line.points = 50;
    line.rule = std::move(rule);
    line.note = std::move(note);
    return reason_sentence(line, locale);
  };
  EXPECT_EQ(sentence("action.review", "review.posted+photo", "en"),
            "50 points earned for your review with a photo.");
  EXPECT_EQ(sentence("action.review", "review.posted", "fr-FR"),
            "50 points gagnés pour votre avis.");
  EXPECT_EQ(sentence("action.follow", "social.followed:instagram", "en"),
            "50 points earned for following us on instagram.");
  EXPECT_EQ(sentence("action.launch", "member.enrolled", "en"),
            "50 points given for joining (launch).");
  EXPECT_EQ(sentence("action.launch", "member.enrolled", "fr"),
            "50 points offerts pour votre inscription (launch).");
  EXPECT_EQ(sentence("action.quiz", "custom.quiz.passed", "en"), "50 points earned (quiz).");
  EXPECT_EQ(sentence("earning.order", "", "en"), "50 points earned on your purchase.");
}

}  // namespace
}  // namespace fidelis::domain
