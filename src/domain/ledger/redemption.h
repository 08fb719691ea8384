// Rewards and their codes in the ledger: redeeming (a spend naming its lots), using, cancelling
// and expiring a code. A code cancelled, or expired under a program that gives points back,
// returns its exact points to the lots they came from; points whose lot is no longer valid
// expire at once, in plain sight.
#pragma once

#include <optional>

#include "core/result.h"
#include "domain/ledger/apply.h"
#include "domain/ledger/ledger_writer.h"

namespace fidelis::domain {

// Why a code cannot be used at `now`, or nothing when it can: used, cancelled or expired (by its
// status, or by its own end when its timer has not run yet). The error has no location.
std::optional<core::Error> code_unusable(const Redemption& redemption, core::Timestamp now);

// Why `member` cannot redeem `reward` at `at` (tier, segments, per-member limit, stock, store
// credit, points, in that order), or nothing. `codes_outstanding`: the reward's codes issued or
// used, shop-wide.
std::optional<core::Error> reward_refusal(const Program& program, const MemberState& member,
                                          const Reward& reward, std::int64_t codes_outstanding,
                                          core::Timestamp at);

core::Status redeem(LedgerWriter& writer, const Program& program, const Event& event,
                    const RewardRedeemed& redeemed, const ShopView& shop);
core::Status use_code(LedgerWriter& writer, const Event& event, const RewardUsed& used);
core::Status cancel_code(LedgerWriter& writer, const Event& event,
                         const RewardCancelled& cancelled);
// The timer: an issued code reaches its expiry.
void expire_code(LedgerWriter& writer, Redemption& redemption);

}  // namespace fidelis::domain
