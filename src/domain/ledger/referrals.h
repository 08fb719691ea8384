// Referrals in the ledger (docs/reference/program.md "Referrals"): the referee's side. The
// referrer's side is apply_referral_notice() (apply.h), run by the engine on the notices these
// functions leave in the effects.
#pragma once

#include "domain/ledger/apply.h"
#include "domain/ledger/ledger_writer.h"

#include <optional>

namespace fidelis::domain {

// member.enrolled with referred_by: records the referral, flagged when it looks wrong.
void start_referral(LedgerWriter& writer, const Program& program, const Event& event,
                    const MemberChange& change, const ShopView& shop);
// The referee's first order after joining starts the wait for its return window (or qualifies
// at once when there is none).
void referral_order_placed(LedgerWriter& writer, const Program& program, const Event& event,
                           const OrderRecord& order);
// That order cancelled or refunded in full before the window ended: the referral is void.
void referral_order_reduced(LedgerWriter& writer, const Event& event, const OrderRecord& order);
// The first order's window ended (a timer, or at once without a window): the referee's points
// are credited as a lot expiring at `expires_at` (the program's lot expiry then).
void referral_qualify(LedgerWriter& writer, core::Timestamp at, const std::string& event,
                      std::optional<core::Timestamp> expires_at);
// referral.approved / referral.rejected: the shop's decision on a flagged referral.
core::Status review_referral(LedgerWriter& writer, const Event& event, bool approved);

}  // namespace fidelis::domain
