// The pure heart of Fidelis: (program, member state, event or time) -> effects. No clock, no I/O.
// The engine loads the state, calls these, and stores the effects in one transaction.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "core/result.h"
#include "domain/event/event.h"
#include "domain/ledger/state.h"
#include "domain/program/program.h"

namespace fidelis::domain {

// A change in how many codes of a reward are outstanding or used, shop-wide (reward stock).
struct StockChange {
  std::string reward;
  std::int64_t delta = 0;

  bool operator==(const StockChange&) const = default;
};

// A referral's news for the referrer, whose state the engine changes next (the domain changes
// one member at a time): a referee joined, was flagged, ordered, qualified, was voided…
struct ReferralNotice {
  std::string referrer;
  std::string referee;
  ReferralStatus status = ReferralStatus::pending;
  Points points = 0;  // credited to the referrer (when the referral is rewarded)
  core::Timestamp at;
  std::string event;  // the causing event id, or "timer"

  bool operator==(const ReferralNotice&) const = default;
};

struct Effects {
  MemberState state;                    // the member's new state
  std::vector<LedgerLine> lines;        // new ledger lines, in seq order
  std::optional<OrderRecord> order;     // the order record created or changed, if any
  std::vector<std::string> new_codes;   // codes issued to the member (shop-wide code index)
  std::vector<StockChange> stock;       // codes issued (+1), cancelled or expired (-1)
  std::vector<ReferralNotice> notices;  // for referrers

  // Empties all but `state`, the vectors keeping their room: for a caller that reuses one Effects
  // for every event it applies in place (the simulation's replayer).
  void clear_changes() {
    lines.clear();
    order.reset();
    new_codes.clear();
    stock.clear();
    notices.clear();
  }
};

// What the shop knows that one member's state does not.
struct ShopView {
  // Codes of the reward a reward.redeemed event names, issued or used, shop-wide.
  std::int64_t codes_outstanding = 0;
  // member.enrolled with referred_by: the referrer's member id when it names a known member (by
  // id or referral code), and how many referrals that member has had this UTC month.
  std::optional<std::string> referrer;
  std::int64_t referrer_this_month = 0;
  std::vector<std::string> referrer_identity;  // the referrer's identity digests
};

// The program version in force at a time (for timers, which may fall under other versions than
// the event that runs them). Null when none.
using ProgramAt = std::function<const Program*(core::Timestamp)>;

// A new member's empty state.
MemberState new_member(std::string_view member);

// Applies `event` to `state`. The member's timers are first run up to the event's time (or the
// member's clock, if later). `order` is the stored record of the order the event names, if one
// exists. Rejections (bad refund, short balance, …) are errors with a JSON pointer, and then
// nothing changes.
// `program_at` gives the version for the timers run first; by default `program` for all.
core::Result<Effects> apply_event(const Program& program, const MemberState& state,
                                  const Event& event, const std::optional<OrderRecord>& order,
                                  const ShopView& shop = {}, const ProgramAt& program_at = {});
// The same, on a state the caller gives up (moved into the effects rather than copied: the
// engine's hot path already holds its own copy).
core::Result<Effects> apply_event(const Program& program, MemberState&& state, const Event& event,
                                  const std::optional<OrderRecord>& order,
                                  const ShopView& shop = {}, const ProgramAt& program_at = {});

// The same on `state` itself, adding the lines and the rest to `effects` (whose own `state` is not
// used). On a refusal `state` is left part-way changed (its timers run, say): the caller keeps
// what it needs to go back to (the simulation's replayer applies to a copy it may drop).
core::Status apply_event_to(const Program& program, MemberState& state, const Event& event,
                            const std::optional<OrderRecord>& order, Effects& effects,
                            const ShopView& shop = {}, const ProgramAt& program_at = {});

// Whether every refusal of an event of this type comes before apply_event_to changes anything
// (order.placed: the order exists already, or the program cannot price it; order.refunded and
// order.cancelled: their order record refuses them; several types are never refused). Then a
// caller may apply it to the member's own state: a refusal leaves it as it was. Other types may
// be refused after the member's timers have run (a balance, a code's status).
bool refused_before_any_change(EventType type);

// The referrer's side of a referral: its timers run to the notice's time, then the referee's
// status is recorded and any points credited.
Effects apply_referral_notice(const MemberState& referrer, const ReferralNotice& notice,
                              const ProgramAt& program_at);

// Runs the member's timers due at or before `until` in due order: pending releases (with debt
// repayment), code expiries, lot expiries, inactivity expiry, tier reviews and ends of grace
// (under the version `program_at` gives for their time).
// With no `program_at`, a member's tier is dropped at its next tier timer.
Effects advance_to(const MemberState& state, core::Timestamp until,
                   const ProgramAt& program_at = {});
// The same on `state` itself, adding the lines and the rest to `effects` (whose own `state` is not
// used). Timers are never refused, so nothing is left part-way.
void advance_in_place(MemberState& state, core::Timestamp until, Effects& effects,
                      const ProgramAt& program_at = {});

}  // namespace fidelis::domain
