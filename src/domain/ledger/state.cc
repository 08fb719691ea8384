// MemberState queries and invariants; ledger line names and reason sentences.
#include "domain/ledger/state.h"

#include <algorithm>

#include "core/assert.h"

namespace fidelis::domain {

Points MemberState::available() const {
  Points total = 0;
  for (const auto& lot : lots) {
    if (lot.state == LotState::available) total += lot.remaining;
  }
  return total;
}

Points MemberState::pending() const {
  Points total = 0;
  for (const auto& lot : lots) {
    if (lot.state == LotState::pending) total += lot.remaining;
  }
  return total;
}

const Redemption* MemberState::redemption(std::string_view code) const {
  for (const auto& redemption : redemptions) {
    if (redemption.code == code) return &redemption;
  }
  return nullptr;
}

std::int64_t MemberState::codes_held(std::string_view reward) const {
  return std::count_if(redemptions.begin(), redemptions.end(), [reward](const Redemption& r) {
    return r.reward == reward && (r.status == CodeStatus::issued || r.status == CodeStatus::used);
  });
}

std::string_view membership_status_name(MembershipStatus status) {
  switch (status) {
    case MembershipStatus::active:
      return "active";
    case MembershipStatus::cancelled:
      return "cancelled";
    case MembershipStatus::expired:
      return "expired";
  }
  return "unknown";
}

std::string_view referral_status_name(ReferralStatus status) {
  switch (status) {
    case ReferralStatus::flagged:
      return "flagged";
    case ReferralStatus::pending:
      return "pending";
    case ReferralStatus::ordered:
      return "ordered";
    case ReferralStatus::rewarded:
      return "rewarded";
    case ReferralStatus::voided:
      return "void";
    case ReferralStatus::rejected:
      return "rejected";
  }
  return "unknown";
}

std::string_view code_status_name(CodeStatus status) {
  switch (status) {
    case CodeStatus::issued:
      return "issued";
    case CodeStatus::used:
      return "used";
    case CodeStatus::cancelled:
      return "cancelled";
    case CodeStatus::expired:
      return "expired";
  }
  return "unknown";
}

std::int64_t OrderRecord::refunded_merchandise() const {
  const OrderRecord& order = *this;
  if (order.fully_refunded || order.cancelled) return order.merchandise;
  Wide refunded = 0;
  for (const auto& line : order.lines) {
    if (line.quantity > 0)
      refunded += static_cast<Wide>(line.net) * line.refunded_quantity / line.quantity;
  }
  if (order.total_paid > 0) {
    refunded += static_cast<Wide>(order.merchandise) * order.refunded_amount / order.total_paid;
  }
  return static_cast<std::int64_t>(std::min<Wide>(refunded, order.merchandise));
}

Points earned_points(const LedgerLine& line) {
  const bool credit = line.kind == LineKind::pending || line.kind == LineKind::earn ||
                      (line.kind == LineKind::adjust && line.points > 0);
  const bool take_back = line.kind == LineKind::reverse || line.kind == LineKind::debt;
  return credit || take_back ? line.points : 0;
}

std::optional<core::Timestamp> MemberState::next_due() const {
  std::optional<core::Timestamp> due = inactivity_deadline;
  auto consider = [&due](core::Timestamp at) {
    if (!due || at < *due) due = at;
  };
  for (const auto& redemption : redemptions) {
    if (redemption.status == CodeStatus::issued && redemption.expires_at) {
      consider(*redemption.expires_at);
    }
  }
  if (referral && referral->status == ReferralStatus::ordered && referral->qualify_at) {
    consider(*referral->qualify_at);
  }
  if (membership && membership->status == MembershipStatus::active) consider(membership->until);
  for (const auto& yearly : {next_birthday, next_purchase_anniversary, next_program_anniversary}) {
    if (yearly) consider(*yearly);
  }
  for (const auto& credit : wallet.pending) consider(credit.available_at);
  if (tier) {
    consider(tier->review_at);
    if (tier->grace_until) consider(*tier->grace_until);
  }
  for (const auto& lot : lots) {
    if (lot.state == LotState::pending) {
      consider(lot.available_at);
    } else if (lot.expires_at && lot.remaining > 0) {
      consider(*lot.expires_at);
    }
  }
  return due;
}

std::optional<MemberState::NextExpiry> MemberState::next_expiry() const {
  std::optional<NextExpiry> next;
  for (const auto& lot : lots) {
    if (lot.state != LotState::available || lot.remaining == 0) continue;
    const std::optional<core::Timestamp> at =
        inactivity_deadline ? inactivity_deadline : lot.expires_at;
    if (!at) continue;
    if (!next || *at < next->at) {
      next = NextExpiry{lot.remaining, *at};
    } else if (*at == next->at) {
      next->points += lot.remaining;
    }
  }
  return next;
}

std::int64_t Wallet::pending_total() const {
  std::int64_t total = 0;
  for (const auto& credit : pending) total += credit.amount;
  return total;
}

void MemberState::check_invariants() const {
  const Points open_available = available();
  const Points open_pending = pending();
  FIDELIS_ASSERT(earned >= 0);
  FIDELIS_ASSERT(spent >= 0);
  FIDELIS_ASSERT(expired >= 0);
  FIDELIS_ASSERT(reversed >= 0);
  FIDELIS_ASSERT(debt >= 0);
  FIDELIS_ASSERT(debt == 0 || open_available == 0);
  FIDELIS_ASSERT(open_available + open_pending - debt == earned - spent - expired - reversed);
  std::uint32_t previous_id = 0;
  for (const auto& lot : lots) {
    FIDELIS_ASSERT(lot.id > previous_id);
    FIDELIS_ASSERT(lot.id < next_lot_id);
    FIDELIS_ASSERT(lot.remaining >= 0);
    FIDELIS_ASSERT(lot.remaining <= lot.granted);
    FIDELIS_ASSERT(lot.state == LotState::pending || lot.remaining > 0);
    previous_id = lot.id;
  }
  FIDELIS_ASSERT(wallet.available >= 0);
  for (const auto& credit : wallet.pending) FIDELIS_ASSERT(credit.amount > 0);
  FIDELIS_ASSERT(wallet.available + wallet.pending_total() ==
                 wallet.earned - wallet.spent - wallet.reversed);
  for (const auto& redemption : redemptions) {
    FIDELIS_ASSERT((redemption.points > 0) != (redemption.credit > 0));
    if (redemption.status != CodeStatus::issued || redemption.credit > 0) continue;
    Points taken = 0;
    for (const auto& lot : redemption.lots) taken += lot.points;
    FIDELIS_ASSERT(taken == redemption.points);
  }
}

std::string_view line_kind_name(LineKind kind) {
  switch (kind) {
    case LineKind::pending:
      return "pending";
    case LineKind::earn:
      return "earn";
    case LineKind::release:
      return "release";
    case LineKind::spend:
      return "spend";
    case LineKind::expire:
      return "expire";
    case LineKind::reverse:
      return "reverse";
    case LineKind::adjust:
      return "adjust";
    case LineKind::debt:
      return "debt";
    case LineKind::repay:
      return "repay";
    case LineKind::returned:
      return "return";
  }
  return "unknown";
}

namespace {

std::string points_text(Points points, bool french) {
  const Points magnitude = points < 0 ? -points : points;
  const bool plural = magnitude > 1 || (french ? false : magnitude == 0);
  return std::to_string(magnitude) +
         (french ? (magnitude > 1 ? " points" : " point") : (plural ? " points" : " point"));
}

std::string order_text(const LedgerLine& line, bool french) {
  if (line.order_id.empty()) return "";
  return (french ? " (commande " : " (order ") + line.order_id + ")";
}

}  // namespace

// Points from an action rule; `note` is the event type with its detail (apply.cc action_note).
std::string action_sentence(const std::string& points, std::string_view rule, std::string_view note,
                            bool fr) {
  if (note.starts_with("review.posted")) {
    const bool photo = note.ends_with("+photo");
    return fr ? points + " gagnés pour votre avis" + (photo ? " avec photo." : ".")
              : points + " earned for your review" + (photo ? " with a photo." : ".");
  }
  if (note.starts_with("social.followed")) {
    const auto colon = note.find(':');
    const std::string network(colon == std::string_view::npos ? "" : note.substr(colon + 1));
    return fr ? points + " gagnés pour nous avoir suivis" +
                    (network.empty() ? "" : " sur " + network) + "."
              : points + " earned for following us" + (network.empty() ? "" : " on " + network) +
                    ".";
  }
  if (note == "profile.completed") {
    return fr ? points + " gagnés pour avoir complété votre profil."
              : points + " earned for completing your profile.";
  }
  if (note == "survey.answered") {
    return fr ? points + " gagnés pour avoir répondu à notre enquête."
              : points + " earned for answering our survey.";
  }
  // Several rules may reward joining (sign-up, launch bonus): the rule id tells them apart.
  if (note == "member.enrolled") {
    return fr ? points + " offerts pour votre inscription (" + std::string(rule) + ")."
              : points + " given for joining (" + std::string(rule) + ").";
  }
  return fr ? points + " gagnés (" + std::string(rule) + ")."
            : points + " earned (" + std::string(rule) + ").";
}

namespace {

// A store credit line (cashback, rewards paid with it).
std::string credit_sentence(const LedgerLine& line, bool fr, std::string_view currency) {
  const auto found = core::find_currency(currency);
  std::string amount = std::to_string(line.credit < 0 ? -line.credit : line.credit);
  if (found) amount = core::format_amount(line.credit < 0 ? -line.credit : line.credit, *found);
  amount += " " + std::string(currency);
  const std::string order = order_text(line, fr);
  switch (line.kind) {
    case LineKind::pending:
      return fr ? amount + " de cashback sur votre achat" + order +
                      ", en attente jusqu'à la fin du délai de retour."
                : amount + " cashback on your purchase" + order +
                      ", pending until the return window ends.";
    case LineKind::earn:
      return fr ? amount + " de cashback sur votre achat" + order + "."
                : amount + " cashback on your purchase" + order + ".";
    case LineKind::release:
      return fr ? amount + " de cashback disponibles : le délai de retour est passé" + order + "."
                : amount + " cashback now available: the return window has passed" + order + ".";
    case LineKind::reverse:
      return fr ? amount + " de cashback repris : remboursement ou annulation" + order + "."
                : amount + " cashback taken back for a refund or cancellation" + order + ".";
    case LineKind::spend: {
      const auto space = line.note.find(' ');
      const std::string code = line.note.substr(0, space);
      const std::string name = space == std::string::npos ? "" : line.note.substr(space + 1);
      return fr ? amount + " d'avoir échangés contre « " + name + " » (code " + code + ")."
                : amount + " of store credit redeemed for \"" + name + "\" (code " + code + ").";
    }
    case LineKind::returned:
      return fr ? amount + " d'avoir rendus : le code " + line.note + " n'a pas servi."
                : amount + " of store credit given back: code " + line.note + " was not used.";
    default:
      return fr ? amount + " d'avoir." : amount + " of store credit.";
  }
}

}  // namespace

std::string reason_sentence(const LedgerLine& line, std::string_view locale,
                            std::string_view credit_currency) {
  const bool fr = locale.size() >= 2 && locale.substr(0, 2) == "fr";
  if (line.credit != 0 && line.points == 0) return credit_sentence(line, fr, credit_currency);
  const std::string points = points_text(line.points, fr);
  const std::string order = order_text(line, fr);
  std::string sentence;
  switch (line.kind) {
    case LineKind::pending:
      sentence = fr ? points + " gagnés sur votre achat" + order +
                          ", en attente jusqu'à la fin du délai de retour."
                    : points + " earned on your purchase" + order +
                          ", pending until the return window ends.";
      break;
    case LineKind::earn:
      if (line.rule.starts_with("action.")) {
        sentence = action_sentence(points, std::string_view(line.rule).substr(7), line.note, fr);
      } else if (line.rule == "milestone.birthday") {
        sentence = fr ? points + " offerts pour votre anniversaire. Joyeux anniversaire !"
                      : points + " given for your birthday. Happy birthday!";
      } else if (line.rule == "referral.referee") {
        sentence = fr ? points + " offerts : vous nous avez rejoints grâce à un parrainage."
                      : points + " given: you joined through a referral.";
      } else if (line.rule == "referral.referrer") {
        sentence = fr ? points + " gagnés : " + line.note +
                            " nous a rejoints grâce à vous et sa première commande est confirmée."
                      : points + " earned: " + line.note +
                            " joined through you and their first order is confirmed.";
      } else if (line.rule == "milestone.first_purchase_anniversary") {
        sentence = fr ? points + " offerts : un an de plus depuis votre premier achat. Merci !"
                      : points + " given: another year since your first purchase. Thank you!";
      } else if (line.rule == "milestone.program_anniversary") {
        sentence = fr ? points + " offerts pour l'anniversaire du programme."
                      : points + " given for the program's anniversary.";
      } else if (line.rule == "milestone.spend") {
        sentence = fr ? points + " offerts : palier de dépenses « " + line.note + " » atteint."
                      : points + " given: you reached the spend milestone \"" + line.note + "\".";
      } else if (line.rule.starts_with("mission.")) {
        const std::string mission = line.rule.substr(8);
        sentence = fr ? points + " gagnés : mission « " + mission + " » accomplie."
                      : points + " earned for completing the mission \"" + mission + "\".";
      } else {
        sentence = fr ? points + " gagnés sur votre achat" + order + "."
                      : points + " earned on your purchase" + order + ".";
      }
      break;
    case LineKind::release:
      sentence = fr ? points + " disponibles : le délai de retour est passé" + order + "."
                    : points + " now available: the return window has passed" + order + ".";
      break;
    case LineKind::spend:
      if (line.rule.starts_with("reward.")) {
        // The note is "CODE NAME" (apply: redeem).
        const auto space = line.note.find(' ');
        const std::string code = line.note.substr(0, space);
        const std::string name = space == std::string::npos ? "" : line.note.substr(space + 1);
        sentence = fr ? points + " échangés contre « " + name + " » (code " + code + ")."
                      : points + " redeemed for \"" + name + "\" (code " + code + ").";
      } else {
        sentence = fr ? points + " utilisés" + (line.note.empty() ? "" : " : " + line.note) + "."
                      : points + " spent" + (line.note.empty() ? "" : ": " + line.note) + ".";
      }
      break;
    case LineKind::returned:
      sentence =
          line.rule == "reward.expired"
              ? (fr ? points + " rendus : le code " + line.note + " a expiré sans être utilisé."
                    : points + " given back: code " + line.note + " expired unused.")
              : (fr ? points + " rendus : le code " + line.note + " a été annulé."
                    : points + " given back: code " + line.note + " was cancelled.");
      break;
    case LineKind::expire:
      sentence = line.rule == "expiry.inactivity"
                     ? (fr ? points + " expirés après une période sans activité."
                           : points + " expired after a period without activity.")
                     : (fr ? points + " expirés à la fin de leur durée de validité."
                           : points + " expired at the end of their validity.");
      break;
    case LineKind::reverse:
      if (line.rule == "order.cancelled") {
        sentence = fr ? points + " retirés : commande annulée" + order + "."
                      : points + " taken back: the order was cancelled" + order + ".";
      } else {
        sentence = fr ? points + " retirés : commande remboursée" + order + "."
                      : points + " taken back: the order was refunded" + order + ".";
      }
      if (line.waived > 0) {
        sentence += fr ? " " + points_text(line.waived, fr) +
                             " n'ont pas pu être retirés (solde insuffisant) et sont abandonnés."
                       : " " + points_text(line.waived, fr) +
                             " could not be taken back (balance too low) and were waived.";
      }
      break;
    case LineKind::adjust:
      sentence = fr ? (line.points > 0 ? points + " ajoutés" : points + " retirés") +
                          " par le service client : " + line.note + "."
                    : (line.points > 0 ? points + " added" : points + " removed") +
                          " by customer service: " + line.note + ".";
      break;
    case LineKind::debt:
      sentence = fr ? points + " à retirer dépassaient votre solde" + order +
                          " : ils seront déduits de vos prochains gains."
                    : points + " to take back exceeded your balance" + order +
                          ": they will be deducted from your next earnings.";
      break;
    case LineKind::repay:
      sentence = fr ? points + " déduits pour solder un retrait antérieur."
                    : points + " deducted to settle an earlier take-back.";
      break;
  }
  if (line.kind == LineKind::pending || line.kind == LineKind::earn) {
    if (line.waived > 0) {
      sentence += fr ? " " + points_text(line.waived, fr) + " non crédités : plafond atteint."
                     : " " + points_text(line.waived, fr) + " not credited: earning cap reached.";
    }
  }
  return sentence;
}

}  // namespace fidelis::domain
