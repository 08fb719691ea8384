// Member and ledger JSON views.
#include "engine/views.h"

#include "engine/engine.h"

#include <algorithm>

#include "core/time.h"
#include "domain/ledger/tiers.h"

namespace fidelis::engine {

namespace {

// {"spend": "12.00", "currency": "EUR"}, {"points": N}, {"orders": N} or {"value_score": N}.
void write_measure(core::JsonWriter& out, const domain::Tiers& tiers, std::int64_t value) {
  out.begin_object();
  switch (tiers.measure) {
    case domain::TierMeasure::spend:
      out.key("spend").value(core::format_amount(value, *tiers.currency));
      out.key("currency").value(tiers.currency->code_view());
      break;
    case domain::TierMeasure::points:
      out.key("points").value(value);
      break;
    case domain::TierMeasure::orders:
      out.key("orders").value(value);
      break;
    case domain::TierMeasure::value_score:
      out.key("value_score").value(value);
      break;
  }
  out.end_object();
}

std::string multiplier_text(std::int64_t scaled) {
  std::string text = core::format_amount(scaled, core::Currency{{'X', 'X', 'X', 0}, 6});
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

// The contract's "tier": the level (null below the lowest), what it gives, and what remains to
// reach the next visible level and to keep this one at the next review.
void write_tier(core::JsonWriter& out, const domain::Program& program,
                const domain::MemberState& state) {
  const domain::Tiers& tiers = *program.tiers;
  const domain::TierProgress progress = domain::tier_progress(tiers, state, state.clock);
  const domain::TierLevel* level =
      progress.level >= 0 ? &tiers.levels[static_cast<std::size_t>(progress.level)] : nullptr;
  // Benefits are those of the tier, or of an active membership's level when higher.
  const int benefit = domain::benefit_level(program, state);
  const domain::TierLevel* benefits =
      benefit >= 0 ? &tiers.levels[static_cast<std::size_t>(benefit)] : nullptr;
  out.begin_object();
  out.key("id");
  level != nullptr ? out.value(level->id) : out.null();
  out.key("name");
  level != nullptr ? out.value(level->name) : out.null();
  out.key("since").value(core::format_rfc3339(state.tier->since));
  out.key("measure");
  write_measure(out, tiers, progress.measure);
  if (benefits != nullptr) {
    out.key("benefits").begin_object();
    out.key("earn_multiplier").value(multiplier_text(benefits->earn_multiplier));
    out.key("free_shipping").value(benefits->free_shipping);
    out.key("early_access").value(benefits->early_access);
    out.key("priority_service").value(benefits->priority_service);
    if (benefits != level) out.key("from_membership").value(true);
    out.end_object();
  }
  out.key("review_at").value(core::format_rfc3339(state.tier->review_at));
  if (state.tier->grace_until) {
    out.key("grace_until").value(core::format_rfc3339(*state.tier->grace_until));
  }
  out.key("next");
  if (progress.next >= 0) {
    const domain::TierLevel& next = tiers.levels[static_cast<std::size_t>(progress.next)];
    out.begin_object().key("id").value(next.id).key("name").value(next.name);
    out.key("remaining");
    write_measure(out, tiers, progress.to_next);
    out.end_object();
  } else {
    out.null();
  }
  if (level != nullptr) {
    out.key("keep").begin_object();
    out.key("at").value(core::format_rfc3339(state.tier->review_at));
    out.key("remaining");
    write_measure(out, tiers, progress.to_keep);
    out.end_object();
  }
  out.end_object();
}

}  // namespace

void write_member_json(core::JsonWriter& out, const std::string& shop,
                       const domain::MemberState& state, const domain::Program* program,
                       std::string_view referral_code) {
  out.begin_object();
  out.key("member").value(state.member);
  out.key("shop").value(shop);
  out.key("points").begin_object();
  out.key("available").value(state.available());
  out.key("pending").value(state.pending());
  out.key("debt").value(state.debt);
  out.key("earned").value(state.earned);
  out.key("spent").value(state.spent);
  out.key("expired").value(state.expired);
  out.key("reversed").value(state.reversed);
  out.end_object();
  out.key("tier");
  if (program != nullptr && program->tiers && state.tier) {
    write_tier(out, *program, state);
  } else {
    out.null();
  }
  out.key("next_expiry");
  if (const auto next = state.next_expiry()) {
    out.begin_object().key("points").value(next->points);
    out.key("at").value(core::format_rfc3339(next->at)).end_object();
  } else {
    out.null();
  }
  out.key("badges").begin_array();
  for (const auto& badge : state.badges) {
    out.begin_object().key("id").value(badge.id);
    out.key("at").value(core::format_rfc3339(badge.at)).key("source").value(badge.source);
    out.end_object();
  }
  out.end_array();
  out.key("store_credit");
  if (!state.wallet.currency.empty()) {
    const domain::Wallet& wallet = state.wallet;
    const auto currency = core::find_currency(wallet.currency);
    const auto money = [&](std::int64_t minor) {
      return currency ? core::format_amount(minor, *currency) : std::to_string(minor);
    };
    out.begin_object().key("currency").value(wallet.currency);
    out.key("available").value(money(wallet.available));
    out.key("pending").value(money(wallet.pending_total()));
    out.key("earned").value(money(wallet.earned));
    out.key("spent").value(money(wallet.spent));
    out.key("reversed").value(money(wallet.reversed)).end_object();
  } else {
    out.null();
  }
  out.key("milestones").begin_object();
  out.key("first_purchase");
  if (state.first_purchase_md.empty()) {
    out.null();
  } else {
    out.value(state.first_purchase_md);
  }
  out.key("settled_spend").value(state.settled_spend);
  out.key("spend_reached").begin_array();
  for (const auto& id : state.spend_reached) out.value(id);
  out.end_array();
  for (const auto& [which, key] :
       {std::pair{domain::Yearly::birthday, "next_birthday"},
        {domain::Yearly::purchase_anniversary, "next_purchase_anniversary"},
        {domain::Yearly::program_anniversary, "next_program_anniversary"}}) {
    const auto& at = domain::yearly_timer(state, which);
    if (at) out.key(key).value(core::format_rfc3339(*at));
  }
  out.end_object();
  out.key("missions").begin_array();
  for (const auto& progress : state.missions) {
    out.begin_object().key("id").value(progress.mission).key("count").value(progress.count);
    out.key("completed").value(progress.completed).end_object();
  }
  out.end_array();
  out.key("referral");
  write_referral_json(out, program, state, referral_code);
  out.key("membership");
  if (state.membership) {
    const domain::Membership& m = *state.membership;
    out.begin_object().key("plan").value(m.plan);
    out.key("status").value(domain::membership_status_name(m.status));
    out.key("since").value(core::format_rfc3339(m.since));
    out.key("until").value(core::format_rfc3339(m.until));
    if (m.status != domain::MembershipStatus::active) {
      out.key("ended_at").value(core::format_rfc3339(m.ended_at));
    }
    out.end_object();
  } else {
    out.null();
  }
  out.key("codes").begin_array();
  for (const auto& redemption : state.redemptions) write_redemption_json(out, redemption);
  out.end_array();
  out.key("consents").begin_array();
  for (const auto& consent : state.consents) {
    out.begin_object().key("topic").value(consent.topic).key("granted").value(consent.granted);
    out.key("at").value(core::format_rfc3339(consent.at)).end_object();
  }
  out.end_array();
  out.key("tickets").begin_object().key("opened").value(state.tickets);
  out.key("recent").begin_array();
  for (auto it = state.recent_tickets.rbegin(); it != state.recent_tickets.rend(); ++it) {
    out.begin_object().key("ticket_id").value(it->ticket_id).key("topic").value(it->topic);
    out.key("at").value(core::format_rfc3339(it->at)).end_object();
  }
  out.end_array().end_object();
  out.key("first_seen_at").value(core::format_rfc3339(state.first_seen_at));
  out.key("as_of").value(core::format_rfc3339(state.clock));
  out.end_object();
}

void write_redemption_json(core::JsonWriter& out, const domain::Redemption& redemption) {
  auto optional_time = [&out](const std::optional<core::Timestamp>& at) {
    if (at) {
      out.value(core::format_rfc3339(*at));
    } else {
      out.null();
    }
  };
  out.begin_object();
  out.key("code").value(redemption.code);
  out.key("reward").value(redemption.reward);
  out.key("name").value(redemption.name);
  out.key("points").value(redemption.points);
  if (redemption.credit > 0) out.key("credit").value(redemption.credit);
  out.key("status").value(domain::code_status_name(redemption.status));
  out.key("issued_at").value(core::format_rfc3339(redemption.issued_at));
  out.key("expires_at");
  optional_time(redemption.expires_at);
  if (redemption.status != domain::CodeStatus::issued) {
    out.key("closed_at").value(core::format_rfc3339(redemption.closed_at));
  }
  if (!redemption.order_id.empty()) out.key("order_id").value(redemption.order_id);
  out.key("benefit").begin_object();
  out.key("kind").value(domain::reward_kind_name(redemption.kind));
  if (redemption.amount) {
    out.key("amount").value(
        core::format_amount(redemption.amount->minor, redemption.amount->currency));
    out.key("currency").value(redemption.amount->currency.code_view());
  }
  if (redemption.percent > 0) out.key("percent").value(redemption.percent);
  switch (redemption.kind) {
    case domain::RewardKind::free_product:
      out.key("sku").value(redemption.target);
      break;
    case domain::RewardKind::partner:
      out.key("partner").value(redemption.target);
      break;
    case domain::RewardKind::donation:
      out.key("charity").value(redemption.target);
      break;
    default:
      break;
  }
  out.end_object();
  out.end_object();
}

void write_ledger_line_json(core::JsonWriter& out, const domain::LedgerLine& line,
                            std::string_view locale, std::string_view credit_currency) {
  out.begin_object();
  out.key("seq").value(static_cast<std::uint64_t>(line.seq));
  out.key("at").value(core::format_rfc3339(line.at));
  out.key("kind").value(domain::line_kind_name(line.kind));
  out.key("points").value(line.points);
  out.key("event").value(line.event);
  out.key("rule").value(line.rule);
  out.key("lots").begin_array();
  for (const auto& touch : line.lots) {
    out.begin_object().key("lot").value(std::uint64_t{touch.lot});
    out.key("points").value(touch.points).end_object();
  }
  out.end_array();
  if (!line.order_id.empty()) out.key("order_id").value(line.order_id);
  if (!line.note.empty()) out.key("note").value(line.note);
  if (line.waived != 0) out.key("waived").value(line.waived);
  if (line.credit != 0) out.key("credit").value(line.credit);
  out.key("reason").value(domain::reason_sentence(line, locale, credit_currency));
  out.key("balance").begin_object();
  out.key("available").value(line.available_after);
  out.key("pending").value(line.pending_after);
  out.key("debt").value(line.debt_after);
  out.key("credit").value(line.credit_after);
  out.end_object();
  out.end_object();
}

void write_referral_json(core::JsonWriter& out, const domain::Program* program,
                         const domain::MemberState& state, std::string_view referral_code) {
  const bool has_referrals = program != nullptr && program->referrals;
  if (!has_referrals && !state.referral && state.referees.empty()) {
    out.null();
    return;
  }
  out.begin_object();
  if (has_referrals && !referral_code.empty()) out.key("code").value(referral_code);
  out.key("referred_by");
  if (state.referral) {
    out.begin_object().key("member").value(state.referral->referrer);
    out.key("status").value(domain::referral_status_name(state.referral->status));
    if (!state.referral->reason.empty()) out.key("reason").value(state.referral->reason);
    out.key("at").value(core::format_rfc3339(state.referral->at)).end_object();
  } else {
    out.null();
  }
  out.key("referees").begin_array();
  for (const auto& referee : state.referees) {
    out.begin_object().key("member").value(referee.member);
    out.key("status").value(domain::referral_status_name(referee.status));
    out.key("at").value(core::format_rfc3339(referee.at)).end_object();
  }
  out.end_array().end_object();
}

void write_missions_json(core::JsonWriter& out, const domain::Program& program,
                         const domain::MemberState& state) {
  out.begin_object().key("member").value(state.member).key("missions").begin_array();
  for (const auto& mission : program.missions) {
    const auto it =
        std::find_if(state.missions.begin(), state.missions.end(),
                     [&](const auto& progress) { return progress.mission == mission.id; });
    std::int64_t count = it == state.missions.end() ? 0 : it->count;
    const std::int64_t completed = it == state.missions.end() ? 0 : it->completed;
    // A monthly mission's count belongs to the month it was last counted in.
    if (mission.monthly && it != state.missions.end() &&
        it->month != core::utc_month_number(state.clock)) {
      count = 0;
    }
    out.begin_object().key("id").value(mission.id).key("on").value(mission.on);
    out.key("target").value(mission.target).key("count").value(count);
    out.key("completed").value(completed);
    if (it != state.missions.end() && it->completed_at)
      out.key("completed_at").value(core::format_rfc3339(*it->completed_at));
    out.key("recurring").value(mission.monthly ? "month" : "none");
    if (mission.points > 0) out.key("points").value(mission.points);
    if (!mission.badge.empty()) out.key("badge").value(mission.badge);
    out.key("terms").value(mission.terms).end_object();
  }
  out.end_array().end_object();
}

void write_ledger_page_json(core::JsonWriter& out, const std::string& shop,
                            const domain::MemberState& state,
                            const std::vector<domain::LedgerLine>& lines, std::size_t limit) {
  out.begin_object().key("member").value(state.member).key("shop").value(shop);
  out.key("lines").begin_array();
  for (const auto& line : lines) {
    write_ledger_line_json(out, line, state.locale, state.wallet.currency);
  }
  out.end_array();
  out.key("next_after");
  if (!lines.empty() && lines.size() == limit) {
    out.value(static_cast<std::uint64_t>(lines.back().seq));
  } else {
    out.null();
  }
  out.end_object();
}

namespace {

// {"amount": "12.34", "currency": "EUR"}, or null.
void write_money_or_null(core::JsonWriter& out, const std::optional<core::Money>& money) {
  if (!money) {
    out.null();
    return;
  }
  out.begin_object()
      .key("amount")
      .value(core::format_amount(money->minor, money->currency))
      .key("currency")
      .value(money->currency.code_view())
      .end_object();
}

void write_totals(core::JsonWriter& out, const SimulationTotals& t) {
  out.begin_object();
  out.key("points_issued").value(t.issued).key("points_redeemed").value(t.redeemed);
  out.key("points_expired").value(t.expired).key("points_reversed").value(t.reversed);
  out.key("points_outstanding").value(t.outstanding);
  out.key("liability");
  write_money_or_null(out, t.liability);
  out.key("rewards_issued").value(t.rewards_issued);
  out.key("members").value(static_cast<std::uint64_t>(t.members));
  out.key("issued_per_member").value(t.issued_per_member());
  out.key("cost_per_member");
  write_money_or_null(out, t.cost_per_member);
  out.key("tiers").begin_object();
  for (const auto& [tier, count] : t.tiers) out.key(tier.empty() ? "(none)" : tier).value(count);
  out.end_object().end_object();
}

}  // namespace

void write_simulation_json(core::JsonWriter& out, const std::string& shop,
                           const SimulationReport& r, std::optional<core::Timestamp> from,
                           std::optional<core::Timestamp> to) {
  out.begin_object().key("shop").value(shop).key("inputs").value(
      static_cast<std::uint64_t>(r.inputs));
  out.key("from");
  from ? out.value(core::format_rfc3339(*from)) : out.null();
  out.key("to");
  to ? out.value(core::format_rfc3339(*to)) : out.null();
  out.key("live");
  write_totals(out, r.live);
  out.key("draft");
  write_totals(out, r.draft);
  out.key("members_affected").value(static_cast<std::uint64_t>(r.members_affected));
  out.key("refused").value(static_cast<std::uint64_t>(r.refused));
  out.key("refusals").begin_array();
  for (const auto& refusal : r.refusals) out.value(refusal);
  out.end_array();
  out.key("inputs_per_second").value(static_cast<std::int64_t>(r.inputs_per_second()));
  out.end_object();
}

}  // namespace fidelis::engine
