// Cashback (docs/reference/program.md "Cashback"): store credit in the member's wallet, credited
// on orders, pending for the return window, taken back on refunds, spent on rewards.
#pragma once

#include "domain/ledger/ledger_writer.h"

namespace fidelis::domain {

// Credits the order's cashback (its net merchandise × the rate, rounded down), pending until
// `available_at` (available at once when that is not later than the order), and records it on
// the order.
void credit_cashback(LedgerWriter& writer, const Program& program, const Event& event,
                     OrderRecord& order, core::Timestamp available_at);

// Takes back the cashback the order's refunds and cancellation now call for, in proportion to
// the merchandise refunded: from the order's pending credit first, then from available store
// credit; what is no longer there (already spent) is recorded as waived, never owed.
void take_back_cashback(LedgerWriter& writer, const Event& event, std::string rule,
                        OrderRecord& order);

// The earliest pending credit due at or before `until`: its index in the wallet, or nothing.
std::optional<std::size_t> cashback_due(const MemberState& state, core::Timestamp until);
// Makes a pending credit available.
void release_cashback(LedgerWriter& writer, std::size_t index);

// Pays `amount` of store credit for a reward code (the caller checked the balance).
void spend_credit(LedgerWriter& writer, const Event& event, std::int64_t amount, std::string rule,
                  std::string note);
// Gives a code's store credit back.
void return_credit(LedgerWriter& writer, std::int64_t amount, core::Timestamp at,
                   const std::string& event, std::string rule, std::string note);

}  // namespace fidelis::domain
