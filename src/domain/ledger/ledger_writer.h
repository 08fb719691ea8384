// LedgerWriter: the one way the ledger rules change a member's state. It appends ledger lines
// (stamping sequence numbers and balances), and credits, consumes and takes back lots. Used by
// apply.cc and redemption.cc; not part of the domain's interface.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "domain/event/event.h"
#include "domain/ledger/apply.h"

namespace fidelis::domain {

// Appends ledger lines to an Effects, stamping sequence numbers and the balances after each line.
class LedgerWriter {
 public:
  // Changes `state` (the effects' own, or one the caller changes in place) and adds lines and the
  // rest to `effects`.
  LedgerWriter(Effects& effects, MemberState& state) : effects_(effects), state_(state) {}
  explicit LedgerWriter(Effects& effects) : LedgerWriter(effects, effects.state) {}

  MemberState& state() { return state_; }
  Effects& effects() { return effects_; }

  void emit(LedgerLine line) {
    MemberState& s = state_;
    line.seq = s.next_seq++;
    line.available_after = s.available();
    line.pending_after = s.pending();
    line.debt_after = s.debt;
    line.credit_after = s.wallet.available;
    effects_.lines.push_back(std::move(line));
  }

  Lot* find_lot(std::uint32_t id) {
    for (auto& lot : state_.lots) {
      if (lot.id == id) return &lot;
    }
    return nullptr;
  }

  // Drops lots that are available and empty: they can never change again.
  void prune() {
    auto& lots = state_.lots;
    lots.erase(std::remove_if(lots.begin(), lots.end(),
                              [](const Lot& lot) {
                                return lot.state == LotState::available && lot.remaining == 0;
                              }),
               lots.end());
  }

  // Takes up to `amount` from available lots, soonest expiry first (no expiry last), then oldest.
  std::vector<LotTouch> consume_available(Points amount) {
    std::vector<Lot*> order;
    for (auto& lot : state_.lots) {
      if (lot.state == LotState::available && lot.remaining > 0) order.push_back(&lot);
    }
    std::sort(order.begin(), order.end(), [](const Lot* a, const Lot* b) {
      const core::Timestamp a_expiry = a->expires_at.value_or(core::Timestamp::max());
      const core::Timestamp b_expiry = b->expires_at.value_or(core::Timestamp::max());
      if (a_expiry != b_expiry) return a_expiry < b_expiry;
      return a->id < b->id;
    });
    std::vector<LotTouch> touched;
    for (Lot* lot : order) {
      if (amount == 0) break;
      const Points take = std::min(amount, lot->remaining);
      lot->remaining -= take;
      amount -= take;
      touched.push_back({lot->id, -take});
    }
    return touched;
  }

  // After points became available in `lot_id`, pays back debt from them first.
  void repay_debt(std::uint32_t lot_id, core::Timestamp at, const std::string& event,
                  const std::string& order_id) {
    MemberState& s = state_;
    Lot* lot = find_lot(lot_id);
    if (s.debt == 0 || lot == nullptr || lot->remaining == 0) return;
    const Points paid = std::min(s.debt, lot->remaining);
    lot->remaining -= paid;
    s.debt -= paid;
    LedgerLine line;
    line.at = at;
    line.kind = LineKind::repay;
    line.points = -paid;
    line.event = event;
    line.rule = "refunds.debt";
    line.lots = {{lot_id, -paid}};
    line.order_id = order_id;
    emit(std::move(line));
  }

  // Awards a badge once: a member holds each badge id at most once.
  void award_badge(const std::string& id, core::Timestamp at, std::string source) {
    auto& badges = state_.badges;
    if (id.empty() || std::any_of(badges.begin(), badges.end(),
                                  [&id](const Badge& badge) { return badge.id == id; })) {
      return;
    }
    badges.push_back({id, at, std::move(source)});
  }

  // Credits a new lot. Pending lots wait for `available_at`; available ones repay debt first.
  std::uint32_t credit(Points points, LotState state, LineKind kind, core::Timestamp at,
                       core::Timestamp available_at, std::optional<core::Timestamp> expires_at,
                       const Event& event, std::string rule, std::string order_id, std::string note,
                       Points waived) {
    MemberState& s = state_;
    Lot lot;
    lot.id = s.next_lot_id++;
    lot.state = state;
    lot.granted = points;
    lot.remaining = points;
    lot.earned_at = at;
    lot.available_at = available_at;
    lot.expires_at = expires_at;
    lot.order_id = order_id;
    s.lots.push_back(lot);
    s.earned += points;
    LedgerLine line;
    line.at = at;
    line.kind = kind;
    line.points = points;
    line.event = event.id;
    line.rule = std::move(rule);
    line.lots = {{lot.id, points}};
    line.order_id = order_id;
    line.note = std::move(note);
    line.waived = waived;
    emit(std::move(line));
    if (state == LotState::available) repay_debt(lot.id, at, event.id, order_id);
    prune();
    return lot.id;
  }

  // Takes `amount` back for an order: its pending lot first, then available lots soonest-expiry
  // first; a shortfall becomes debt or is waived, as the program says.
  void take_back(Points amount, Shortfall shortfall, core::Timestamp at, const Event& event,
                 const std::string& rule, const OrderRecord& order) {
    if (amount == 0) return;
    MemberState& s = state_;
    std::vector<LotTouch> touched;
    Points taken = 0;
    if (Lot* lot = find_lot(order.lot_id); lot != nullptr && lot->state == LotState::pending) {
      const Points take = std::min(amount, lot->remaining);
      if (take > 0) {
        lot->remaining -= take;
        touched.push_back({lot->id, -take});
        taken += take;
      }
    }
    for (const auto& touch : consume_available(amount - taken)) {
      touched.push_back(touch);
      taken -= touch.points;
    }
    const Points missing = amount - taken;
    s.reversed += taken;
    if (taken > 0 || (missing > 0 && shortfall == Shortfall::clamp)) {
      LedgerLine line;
      line.at = at;
      line.kind = LineKind::reverse;
      line.points = -taken;
      line.event = event.id;
      line.rule = rule;
      line.lots = std::move(touched);
      line.order_id = order.order_id;
      line.waived = shortfall == Shortfall::clamp ? missing : 0;
      emit(std::move(line));
    }
    if (missing > 0 && shortfall == Shortfall::debt) {
      s.debt += missing;
      s.reversed += missing;
      LedgerLine line;
      line.at = at;
      line.kind = LineKind::debt;
      line.points = -missing;
      line.event = event.id;
      line.rule = rule;
      line.order_id = order.order_id;
      emit(std::move(line));
    }
    prune();
  }

 private:
  Effects& effects_;
  MemberState& state_;
};

}  // namespace fidelis::domain
