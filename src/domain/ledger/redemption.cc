#include "domain/ledger/redemption.h"

#include <algorithm>

#include "core/assert.h"
#include "domain/ledger/cashback.h"
#include "domain/ledger/segments.h"
#include "domain/ledger/tiers.h"

namespace fidelis::domain {
namespace {

using core::ErrorCode;
using core::Timestamp;

core::Error at_code(ErrorCode code, std::string message) {
  return core::make_error(code, std::move(message), "/data/code");
}

core::Error at_reward(ErrorCode code, std::string message) {
  return core::make_error(code, std::move(message), "/data/reward");
}

// The member's redemption with this code, open for a change: an unknown code, or one of another
// member, answers as absent; a closed one says why. (Timers have run to the event's time, so the
// status alone decides.)
core::Result<Redemption*> open_redemption(MemberState& state, const std::string& code) {
  for (auto& redemption : state.redemptions) {
    if (redemption.code != code) continue;
    if (auto problem = code_unusable(redemption, Timestamp::min())) {
      problem->where = "/data/code";
      return std::move(*problem);
    }
    return &redemption;
  }
  return at_code(ErrorCode::code_not_found, "member \"" + state.member + "\" has no code " + code);
}

// Gives a code's points back to the lots they came from (re-opening closed ones), then expires at
// once what sits in lots no longer valid at `at`, then repays debt from the rest.
void return_points(LedgerWriter& writer, Redemption& redemption, Timestamp at,
                   const std::string& event, std::string rule) {
  if (redemption.credit > 0) {  // paid with store credit: the credit goes back to the wallet
    return_credit(writer, redemption.credit, at, event, std::move(rule), redemption.code);
    writer.effects().stock.push_back({redemption.reward, -1});
    return;
  }
  MemberState& s = writer.state();
  LedgerLine line;
  line.at = at;
  line.kind = LineKind::returned;
  line.points = redemption.points;
  line.event = event;
  line.rule = std::move(rule);
  line.note = redemption.code;
  for (const RedeemedLot& taken : redemption.lots) {
    if (Lot* open = writer.find_lot(taken.lot)) {
      open->remaining += taken.points;
    } else {
      Lot reopened;
      reopened.id = taken.lot;
      reopened.state = LotState::available;
      // Other codes may still hold points of this lot and give them back later.
      reopened.granted = taken.granted;
      reopened.remaining = taken.points;
      reopened.earned_at = at;
      reopened.available_at = at;
      reopened.expires_at = taken.expires_at;
      reopened.order_id = taken.order_id;
      auto position =
          std::lower_bound(s.lots.begin(), s.lots.end(), reopened.id,
                           [](const Lot& lot, std::uint32_t id) { return lot.id < id; });
      s.lots.insert(position, std::move(reopened));
    }
    line.lots.push_back({taken.lot, taken.points});
  }
  s.spent -= redemption.points;
  writer.emit(std::move(line));

  LedgerLine expired;
  for (const RedeemedLot& taken : redemption.lots) {
    Lot* lot = writer.find_lot(taken.lot);
    if (lot->expires_at && *lot->expires_at <= at && lot->remaining > 0) {
      expired.lots.push_back({lot->id, -lot->remaining});
      expired.points -= lot->remaining;
      lot->remaining = 0;
    }
  }
  if (expired.points != 0) {
    s.expired -= expired.points;
    expired.at = at;
    expired.kind = LineKind::expire;
    expired.event = event;
    expired.rule = "expiry.lot";
    writer.emit(std::move(expired));
  }
  for (const RedeemedLot& taken : redemption.lots) writer.repay_debt(taken.lot, at, event, "");
  writer.prune();
  redemption.lots.clear();
  writer.effects().stock.push_back({redemption.reward, -1});
}

// Pays a reward in points, soonest-expiring lots first, each recorded on the redemption so that a
// cancelled code gives them back to the same lots.
void spend_points(LedgerWriter& writer, const Event& event, const Reward& reward, std::string note,
                  Redemption& redemption) {
  LedgerLine line;
  line.at = event.occurred_at;
  line.kind = LineKind::spend;
  line.points = -reward.points;
  line.event = event.id;
  line.rule = "reward." + reward.id;
  line.note = std::move(note);
  line.lots = writer.consume_available(reward.points);
  for (const LotTouch& touch : line.lots) {
    const Lot* lot = writer.find_lot(touch.lot);
    redemption.lots.push_back(
        {touch.lot, -touch.points, lot->granted, lot->expires_at, lot->order_id});
  }
  writer.state().spent += reward.points;
  writer.emit(std::move(line));
  writer.prune();
}

}  // namespace

std::optional<core::Error> code_unusable(const Redemption& r, Timestamp now) {
  const std::string closed = core::format_rfc3339(r.closed_at);
  switch (r.status) {
    case CodeStatus::used:
      return core::make_error(ErrorCode::code_already_used,
                              "code " + r.code + " was used on " + closed +
                                  (r.order_id.empty() ? "" : " (order " + r.order_id + ")"));
    case CodeStatus::cancelled:
      return core::make_error(ErrorCode::code_cancelled,
                              "code " + r.code + " was cancelled on " + closed);
    case CodeStatus::expired:
      return core::make_error(ErrorCode::code_expired, "code " + r.code + " expired on " + closed);
    case CodeStatus::issued:
      break;
  }
  if (r.expires_at && now >= *r.expires_at) {
    return core::make_error(ErrorCode::code_expired, "code " + r.code + " expired on " +
                                                         core::format_rfc3339(*r.expires_at));
  }
  return std::nullopt;
}

std::optional<core::Error> reward_refusal(const Program& program, const MemberState& s,
                                          const Reward& reward, std::int64_t codes_outstanding,
                                          Timestamp at) {
  if (!reward.min_tier.empty()) {
    const Tiers& tiers = *program.tiers;  // the program refuses min_tier without tiers
    const int level = benefit_level(program, s);
    if (level < tiers.index_of(reward.min_tier)) {
      return at_reward(
          ErrorCode::reward_not_eligible,
          "\"" + reward.id + "\" is for members in tier \"" + reward.min_tier + "\" or above");
    }
  }
  if (!reward.segments.empty()) {
    const bool in_one =
        std::any_of(reward.segments.begin(), reward.segments.end(), [&](const std::string& id) {
          const Segment* segment = program.segment(id);
          return segment && in_segment(program, *segment, s, at);
        });
    if (!in_one) {
      std::string names;
      for (const std::string& id : reward.segments) {
        const Segment* segment = program.segment(id);
        names += (names.empty() ? "" : "\" or \"") + (segment ? segment->name : id);
      }
      return at_reward(ErrorCode::reward_not_eligible,
                       "\"" + reward.id + "\" is for members in \"" + names + "\"");
    }
  }
  if (reward.per_member && s.codes_held(reward.id) >= *reward.per_member) {
    return at_reward(ErrorCode::reward_limit_reached, "member \"" + s.member + "\" already holds " +
                                                          std::to_string(*reward.per_member) +
                                                          " code(s) of \"" + reward.id +
                                                          "\", the most allowed per member");
  }
  if (reward.stock && codes_outstanding >= *reward.stock) {
    return at_reward(ErrorCode::reward_out_of_stock, "\"" + reward.id + "\" is out of stock (" +
                                                         std::to_string(*reward.stock) +
                                                         " codes issued or used)");
  }
  if (reward.credit_cost > s.wallet.available) {
    const auto currency = core::find_currency(s.wallet.currency);
    const auto money = [&](std::int64_t minor) {
      return currency ? core::format_amount(minor, *currency) + " " + s.wallet.currency
                      : std::to_string(minor);
    };
    return at_reward(ErrorCode::insufficient_credit,
                     "member \"" + s.member + "\" has " + money(s.wallet.available) +
                         " of store credit available; \"" + reward.id + "\" costs " +
                         money(reward.credit_cost));
  }
  if (reward.points > s.available()) {
    return at_reward(ErrorCode::insufficient_points,
                     "member \"" + s.member + "\" has " + std::to_string(s.available()) +
                         " points available; \"" + reward.id + "\" costs " +
                         std::to_string(reward.points));
  }
  return std::nullopt;
}

core::Status redeem(LedgerWriter& writer, const Program& program, const Event& event,
                    const RewardRedeemed& redeemed, const ShopView& shop) {
  MemberState& s = writer.state();
  const Reward* reward = program.reward(redeemed.reward);
  if (reward == nullptr) {
    return at_reward(ErrorCode::reward_not_found,
                     "the program has no reward \"" + redeemed.reward + "\"");
  }
  if (auto refusal =
          reward_refusal(program, s, *reward, shop.codes_outstanding, event.occurred_at)) {
    refusal->where = "/data/reward";
    return std::move(*refusal);
  }
  if (s.redemption(redeemed.code) != nullptr) {
    return at_code(ErrorCode::value_not_allowed, "code " + redeemed.code + " was issued already");
  }
  Redemption redemption;
  redemption.code = redeemed.code;
  redemption.reward = reward->id;
  redemption.event = event.id;
  redemption.points = reward->points;
  redemption.issued_at = event.occurred_at;
  if (reward->valid_days > 0) {
    redemption.expires_at = core::add_days(event.occurred_at, reward->valid_days);
  }
  redemption.return_on_expiry = reward->return_on_expiry;
  redemption.name = reward->name;
  redemption.kind = reward->kind;
  redemption.amount = reward->amount;
  redemption.percent = reward->percent;
  redemption.target = reward->target;
  const std::string note = redeemed.code + " " + reward->name;
  if (reward->credit_cost > 0) {
    redemption.credit = reward->credit_cost;
    spend_credit(writer, event, reward->credit_cost, "reward." + reward->id, note);
  } else {
    spend_points(writer, event, *reward, note, redemption);
  }
  s.redemptions.push_back(std::move(redemption));
  writer.effects().new_codes.push_back(redeemed.code);
  writer.effects().stock.push_back({reward->id, +1});
  return core::Ok{};
}

core::Status use_code(LedgerWriter& writer, const Event& event, const RewardUsed& used) {
  FIDELIS_TRY(Redemption * redemption, open_redemption(writer.state(), used.code));
  redemption->status = CodeStatus::used;
  redemption->closed_at = event.occurred_at;
  redemption->order_id = used.order_id;
  redemption->lots.clear();
  return core::Ok{};
}

core::Status cancel_code(LedgerWriter& writer, const Event& event,
                         const RewardCancelled& cancelled) {
  FIDELIS_TRY(Redemption * redemption, open_redemption(writer.state(), cancelled.code));
  redemption->status = CodeStatus::cancelled;
  redemption->closed_at = event.occurred_at;
  return_points(writer, *redemption, event.occurred_at, event.id, "reward.cancelled");
  return core::Ok{};
}

void expire_code(LedgerWriter& writer, Redemption& redemption) {
  FIDELIS_ASSERT(redemption.status == CodeStatus::issued && redemption.expires_at);
  redemption.status = CodeStatus::expired;
  redemption.closed_at = *redemption.expires_at;
  if (redemption.return_on_expiry) {
    return_points(writer, redemption, *redemption.expires_at, "timer", "reward.expired");
  } else {
    redemption.lots.clear();
    writer.effects().stock.push_back({redemption.reward, -1});
  }
}

}  // namespace fidelis::domain
