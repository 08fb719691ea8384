#include "domain/ledger/referrals.h"

#include <algorithm>

namespace fidelis::domain {
namespace {

void notify(LedgerWriter& writer, const Referral& referral, const std::string& referee,
            core::Timestamp at, const std::string& event, Points points) {
  // An unknown referrer has no state to tell; a self-referral has no one else to tell.
  if (referral.status == ReferralStatus::flagged && referral.reason == "unknown referrer") return;
  if (referral.referrer == referee) return;
  writer.effects().notices.push_back(
      {referral.referrer, referee, referral.status, points, at, event});
}

}  // namespace

void start_referral(LedgerWriter& writer, const Program& program, const Event& event,
                    const MemberChange& change, const ShopView& shop) {
  MemberState& s = writer.state();
  if (!program.referrals || change.referred_by.empty() || s.referral) return;
  Referral referral;
  referral.referrer = shop.referrer.value_or(change.referred_by);
  referral.at = event.occurred_at;
  referral.referrer_points = program.referrals->referrer_points;
  referral.referee_points = program.referrals->referee_points;
  // Held for review, never dropped: the shop decides (referral.approved / referral.rejected).
  if (!shop.referrer) {
    referral.reason = "unknown referrer";
  } else if (*shop.referrer == event.member) {
    referral.reason = "self-referral";
  } else if (std::any_of(s.identity.begin(), s.identity.end(), [&](const std::string& digest) {
               return std::find(shop.referrer_identity.begin(), shop.referrer_identity.end(),
                                digest) != shop.referrer_identity.end();
             })) {
    referral.reason = "same email, phone or address as the referrer";
  } else if (s.first_seen_at < event.occurred_at || s.earned > 0 || !s.lots.empty()) {
    referral.reason = "not a new customer";
  } else if (program.referrals->max_per_month &&
             shop.referrer_this_month >= *program.referrals->max_per_month) {
    referral.reason = "over the referrer's monthly cap";
  }
  referral.status = referral.reason.empty() ? ReferralStatus::pending : ReferralStatus::flagged;
  s.referral = referral;
  notify(writer, referral, event.member, event.occurred_at, event.id, 0);
}

void referral_order_placed(LedgerWriter& writer, const Program& program, const Event& event,
                           const OrderRecord& order) {
  MemberState& s = writer.state();
  if (!s.referral || s.referral->status != ReferralStatus::pending) return;
  s.referral->status = ReferralStatus::ordered;
  s.referral->order_id = order.order_id;
  s.referral->qualify_at = core::add_days(event.occurred_at, program.pending_days);
  if (program.pending_days == 0) {
    referral_qualify(writer, event.occurred_at, event.id, program.lot_expiry(event.occurred_at));
  } else {
    notify(writer, *s.referral, event.member, event.occurred_at, event.id, 0);
  }
}

void referral_order_reduced(LedgerWriter& writer, const Event& event, const OrderRecord& order) {
  MemberState& s = writer.state();
  if (!s.referral || s.referral->status != ReferralStatus::ordered ||
      s.referral->order_id != order.order_id || (!order.cancelled && !order.fully_refunded)) {
    return;
  }
  s.referral->status = ReferralStatus::voided;
  s.referral->reason = order.cancelled ? "first order cancelled" : "first order refunded";
  s.referral->qualify_at.reset();
  notify(writer, *s.referral, event.member, event.occurred_at, event.id, 0);
}

void referral_qualify(LedgerWriter& writer, core::Timestamp at, const std::string& event,
                      std::optional<core::Timestamp> expires_at) {
  MemberState& s = writer.state();
  Referral& referral = *s.referral;
  referral.status = ReferralStatus::rewarded;
  referral.qualify_at.reset();
  if (referral.referee_points > 0) {
    Event cause;
    cause.id = event;
    writer.credit(referral.referee_points, LotState::available, LineKind::earn, at, at, expires_at,
                  cause, "referral.referee", "", referral.referrer, 0);
  }
  notify(writer, referral, s.member, at, event, referral.referrer_points);
}

core::Status review_referral(LedgerWriter& writer, const Event& event, bool approved) {
  MemberState& s = writer.state();
  if (!s.referral || s.referral->status != ReferralStatus::flagged) {
    return core::make_error(core::ErrorCode::referral_not_flagged,
                            "member \"" + event.member + "\" has no referral held for review",
                            "/member");
  }
  if (approved && s.referral->reason == "unknown referrer") {
    return core::make_error(core::ErrorCode::referral_not_flagged,
                            "the referrer \"" + s.referral->referrer +
                                "\" is not a member: the referral cannot be approved",
                            "/member");
  }
  s.referral->status = approved ? ReferralStatus::pending : ReferralStatus::rejected;
  notify(writer, *s.referral, event.member, event.occurred_at, event.id, 0);
  return core::Ok{};
}

}  // namespace fidelis::domain
