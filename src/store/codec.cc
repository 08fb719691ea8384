// The blob format. Version 1. Changing it means a new version byte and a decoder for the old one.
#include "store/codec.h"

#include <charconv>
#include <cstring>

namespace fidelis::store {
namespace {

// Order records: version 2 adds merchandise and each line's net, version 3 cashback. Member
// states: version 2 adds action counts, version 3 mission progress and badges, version 4
// redemptions and tiers, version 5 milestones (lot spend, first purchase, anniversaries, spend
// reached), version 6 the store credit wallet and codes paid with it, version 7 identity digests
// and the leaderboard opt-in, version 8 consents and tickets, version 9 when each mission was
// started and first completed, version 10 packs the lots (below). Older blobs are still read.
constexpr std::uint8_t kFormatVersion = 3;
constexpr std::uint8_t kMemberFormatVersion = 10;

// Version 10 lots. Lots are most of a member's blob, and every batch of an ingest rewrites the
// member rows it touched (docs/performance.md), so each lot is packed: one flags byte (state,
// has expiry, times in whole seconds), the points used rather than the remainder (0 while
// untouched), its earning time as a step from the previous lot's, and its order id as the
// length of the prefix it shares with the previous lot's plus the rest. Steps are taken modulo
// 2^64, so every timestamp round-trips.
constexpr std::uint8_t kLotAvailable = 1;
constexpr std::uint8_t kLotExpires = 2;
constexpr std::uint8_t kLotSeconds = 4;
constexpr std::int64_t kMicrosPerSecond = 1'000'000;

// base + factor * value modulo 2^64: every value round-trips, and what a corrupt blob gives is
// wrong, never undefined.
std::int64_t wrapping(std::int64_t base, std::int64_t factor, std::int64_t value) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(base) +
                                   static_cast<std::uint64_t>(factor) *
                                       static_cast<std::uint64_t>(value));
}
std::int64_t step(core::Timestamp from, core::Timestamp to) {
  return wrapping(to.micros, -1, from.micros);
}
core::Timestamp stepped(core::Timestamp from, std::int64_t by) {
  return core::Timestamp{wrapping(from.micros, 1, by)};
}
std::size_t shared_prefix(std::string_view a, std::string_view b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

class Writer {
 public:
  Writer() = default;
  explicit Writer(std::string&& reuse) : out_(std::move(reuse)) { out_.clear(); }
  void u(std::uint64_t value) {
    while (value >= 0x80) {
      out_ += static_cast<char>((value & 0x7F) | 0x80);
      value >>= 7;
    }
    out_ += static_cast<char>(value);
  }
  void i(std::int64_t value) {
    u((static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
  }
  void s(std::string_view text) {
    u(text.size());
    out_.append(text);
  }
  void b(bool flag) { out_ += static_cast<char>(flag ? 1 : 0); }
  void t(core::Timestamp at) { i(at.micros); }
  void ot(const std::optional<core::Timestamp>& at) {
    b(at.has_value());
    if (at) t(*at);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == bytes_.size(); }

  std::uint64_t u() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= bytes_.size()) return fail();
      const auto byte = static_cast<std::uint8_t>(bytes_[pos_++]);
      value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    return fail();
  }
  std::int64_t i() {
    const std::uint64_t raw = u();
    return static_cast<std::int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
  }
  std::string s() {
    const std::uint64_t size = u();
    if (!ok_ || size > bytes_.size() - pos_) {
      fail();
      return {};
    }
    std::string text(bytes_.substr(pos_, size));
    pos_ += size;
    return text;
  }
  bool b() {
    if (pos_ >= bytes_.size()) return fail() != 0;
    return bytes_[pos_++] != 0;
  }
  core::Timestamp t() { return core::Timestamp{i()}; }
  std::optional<core::Timestamp> ot() {
    if (!b()) return std::nullopt;
    return t();
  }
  // Marks the data as corrupt (a value the format cannot hold).
  void refuse() { fail(); }
  // A count of items that each need at least one byte: refuses counts the data cannot hold.
  std::size_t count() {
    const std::uint64_t n = u();
    if (n > bytes_.size() - pos_) return static_cast<std::size_t>(fail());
    return static_cast<std::size_t>(n);
  }

 private:
  std::uint64_t fail() {
    ok_ = false;
    pos_ = bytes_.size();
    return 0;
  }

  std::string_view bytes_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

// A count, then that many items read by `read_one`; stops early once the reader has failed.
template <typename T, typename ReadOne>
void read_list(Reader& r, std::vector<T>& out, ReadOne read_one) {
  const std::size_t count = r.count();
  out.reserve(count);
  for (std::size_t k = 0; k < count && r.ok(); ++k) out.push_back(read_one());
}

core::Error corrupt(std::string_view what) {
  return core::make_error(core::ErrorCode::storage_error,
                          "stored " + std::string(what) + " is corrupt or of an unknown format");
}

}  // namespace

void encode_member(const domain::MemberState& state, std::string& out) {
  Writer w(std::move(out));
  w.u(kMemberFormatVersion);
  w.s(state.member);
  w.t(state.clock);
  w.t(state.first_seen_at);
  w.i(state.earned);
  w.i(state.spent);
  w.i(state.expired);
  w.i(state.reversed);
  w.i(state.debt);
  w.u(state.next_lot_id);
  w.u(state.next_seq);
  w.ot(state.inactivity_deadline);
  w.i(state.cap_day);
  w.i(state.cap_day_points);
  w.i(state.cap_month);
  w.i(state.cap_month_points);
  w.s(state.locale);
  w.u(state.lots.size());
  core::Timestamp previous_earned{0};
  std::string_view previous_order;
  for (const auto& lot : state.lots) {
    // Times as steps: from the previous lot's earning, then earned → available → expires.
    const std::int64_t earned = step(previous_earned, lot.earned_at);
    const std::int64_t available = step(lot.earned_at, lot.available_at);
    const std::int64_t expires = lot.expires_at ? step(lot.available_at, *lot.expires_at) : 0;
    const bool seconds = earned % kMicrosPerSecond == 0 && available % kMicrosPerSecond == 0 &&
                         expires % kMicrosPerSecond == 0;
    const std::int64_t unit = seconds ? kMicrosPerSecond : 1;
    w.u(lot.id);
    w.u((lot.state == domain::LotState::available ? kLotAvailable : 0) |
        (lot.expires_at ? kLotExpires : 0) | (seconds ? kLotSeconds : 0));
    w.i(lot.granted);
    w.i(wrapping(lot.granted, -1, lot.remaining));  // points used
    w.i(earned / unit);
    w.i(available / unit);
    if (lot.expires_at) w.i(expires / unit);
    const std::size_t shared = shared_prefix(previous_order, lot.order_id);
    w.u(shared);
    w.s(std::string_view(lot.order_id).substr(shared));
    previous_earned = lot.earned_at;
    previous_order = lot.order_id;
  }
  w.u(state.actions.size());
  for (const auto& action : state.actions) {
    w.s(action.rule);
    w.i(action.count);
    w.t(action.last_at);
    w.i(action.month);
    w.i(action.month_count);
  }
  w.u(state.missions.size());
  for (const auto& progress : state.missions) {
    w.s(progress.mission);
    w.i(progress.count);
    w.i(progress.completed);
    w.i(progress.month);
  }
  w.u(state.badges.size());
  for (const auto& badge : state.badges) {
    w.s(badge.id);
    w.t(badge.at);
    w.s(badge.source);
  }
  w.u(state.redemptions.size());
  for (const auto& redemption : state.redemptions) {
    w.s(redemption.code);
    w.s(redemption.reward);
    w.s(redemption.event);
    w.i(redemption.points);
    w.t(redemption.issued_at);
    w.ot(redemption.expires_at);
    w.b(redemption.return_on_expiry);
    w.u(static_cast<std::uint64_t>(redemption.status));
    w.t(redemption.closed_at);
    w.s(redemption.order_id);
    w.s(redemption.name);
    w.u(static_cast<std::uint64_t>(redemption.kind));
    w.b(redemption.amount.has_value());
    if (redemption.amount) {
      w.i(redemption.amount->minor);
      w.s(redemption.amount->currency.code_view());
    }
    w.i(redemption.percent);
    w.s(redemption.target);
    w.u(redemption.lots.size());
    for (const auto& lot : redemption.lots) {
      w.u(lot.lot);
      w.i(lot.points);
      w.i(lot.granted);
      w.ot(lot.expires_at);
      w.s(lot.order_id);
    }
  }
  w.b(state.tier.has_value());
  if (state.tier) {
    w.s(state.tier->id);
    w.t(state.tier->since);
    w.t(state.tier->review_at);
    w.ot(state.tier->grace_until);
  }
  w.u(state.tier_months.size());
  for (const auto& month : state.tier_months) {
    w.i(month.month);
    w.i(month.spend);
    w.i(month.refunded);
    w.i(month.margin);
    w.i(month.orders);
    w.i(month.points);
    w.i(month.satisfaction_sum);
    w.i(month.satisfaction_count);
  }
  w.b(state.referral.has_value());
  if (state.referral) {
    const domain::Referral& referral = *state.referral;
    w.s(referral.referrer);
    w.u(static_cast<std::uint64_t>(referral.status));
    w.s(referral.reason);
    w.t(referral.at);
    w.s(referral.order_id);
    w.ot(referral.qualify_at);
    w.i(referral.referrer_points);
    w.i(referral.referee_points);
  }
  w.u(state.referees.size());
  for (const auto& referee : state.referees) {
    w.s(referee.member);
    w.u(static_cast<std::uint64_t>(referee.status));
    w.t(referee.at);
  }
  w.b(state.membership.has_value());
  if (state.membership) {
    w.s(state.membership->plan);
    w.u(static_cast<std::uint64_t>(state.membership->status));
    w.t(state.membership->since);
    w.t(state.membership->until);
    w.t(state.membership->ended_at);
  }
  w.s(state.birthday_md);
  w.s(state.time_zone);
  w.ot(state.next_birthday);
  w.s(state.first_purchase_md);
  w.ot(state.next_purchase_anniversary);
  w.ot(state.next_program_anniversary);
  w.i(state.settled_spend);
  w.u(state.spend_reached.size());
  for (const auto& id : state.spend_reached) w.s(id);
  // Lots' spend, sparse (most lots have none): how many, then each lot's position and spend.
  std::uint64_t with_spend = 0;
  for (const auto& lot : state.lots) with_spend += lot.spend != 0 ? 1 : 0;
  w.u(with_spend);
  for (std::size_t i = 0; i < state.lots.size(); ++i) {
    if (state.lots[i].spend == 0) continue;
    w.u(i);
    w.i(state.lots[i].spend);
  }
  const domain::Wallet& wallet = state.wallet;
  w.s(wallet.currency);
  w.i(wallet.available);
  w.u(wallet.pending.size());
  for (const auto& credit : wallet.pending) {
    w.s(credit.order_id);
    w.i(credit.amount);
    w.t(credit.available_at);
  }
  w.i(wallet.earned);
  w.i(wallet.spent);
  w.i(wallet.reversed);
  // Codes paid with store credit, sparse: how many, then each one's position and credit.
  std::uint64_t paid_with_credit = 0;
  for (const auto& redemption : state.redemptions) paid_with_credit += redemption.credit != 0;
  w.u(paid_with_credit);
  for (std::size_t i = 0; i < state.redemptions.size(); ++i) {
    if (state.redemptions[i].credit == 0) continue;
    w.u(i);
    w.i(state.redemptions[i].credit);
  }
  w.u(state.identity.size());
  for (const auto& digest : state.identity) w.s(digest);
  w.b(state.leaderboard);
  w.u(state.consents.size());
  for (const auto& consent : state.consents) {
    w.s(consent.topic);
    w.b(consent.granted);
    w.t(consent.at);
  }
  w.i(state.tickets);
  w.u(state.recent_tickets.size());
  for (const auto& ticket : state.recent_tickets) {
    w.s(ticket.ticket_id);
    w.s(ticket.topic);
    w.t(ticket.at);
  }
  // Version 9, after the rest so that older blobs stay a prefix: the missions' dates, in order.
  w.u(state.missions.size());
  for (const auto& progress : state.missions) {
    w.ot(progress.started_at);
    w.ot(progress.completed_at);
  }
  out = w.take();
}

core::Result<domain::MemberState> decode_member(std::string_view bytes) {
  Reader r(bytes);
  const std::uint64_t version = r.u();
  if (version < 1 || version > kMemberFormatVersion) return corrupt("member state");
  domain::MemberState state;
  state.member = r.s();
  state.clock = r.t();
  state.first_seen_at = r.t();
  state.earned = r.i();
  state.spent = r.i();
  state.expired = r.i();
  state.reversed = r.i();
  state.debt = r.i();
  state.next_lot_id = static_cast<std::uint32_t>(r.u());
  state.next_seq = r.u();
  state.inactivity_deadline = r.ot();
  state.cap_day = r.i();
  state.cap_day_points = r.i();
  state.cap_month = r.i();
  state.cap_month_points = r.i();
  state.locale = r.s();
  if (version >= 10) {
    read_list(r, state.lots, [&r, &state] {
      const domain::Lot* previous = state.lots.empty() ? nullptr : &state.lots.back();
      domain::Lot lot;
      lot.id = static_cast<std::uint32_t>(r.u());
      const std::uint64_t flags = r.u();
      const std::int64_t unit = (flags & kLotSeconds) != 0 ? kMicrosPerSecond : 1;
      lot.state =
          (flags & kLotAvailable) != 0 ? domain::LotState::available : domain::LotState::pending;
      lot.granted = r.i();
      lot.remaining = wrapping(lot.granted, -1, r.i());
      lot.earned_at =
          stepped(previous ? previous->earned_at : core::Timestamp{0}, wrapping(0, unit, r.i()));
      lot.available_at = stepped(lot.earned_at, wrapping(0, unit, r.i()));
      if ((flags & kLotExpires) != 0) {
        lot.expires_at = stepped(lot.available_at, wrapping(0, unit, r.i()));
      }
      const std::uint64_t shared = r.u();
      const std::string_view previous_order = previous ? previous->order_id : std::string_view();
      if (shared > previous_order.size()) {
        r.refuse();  // a prefix longer than the previous lot's id
        return lot;
      }
      lot.order_id = std::string(previous_order.substr(0, shared)) + r.s();
      return lot;
    });
  } else {
    read_list(r, state.lots, [&r] {
      domain::Lot lot;
      lot.id = static_cast<std::uint32_t>(r.u());
      lot.state = r.u() == 0 ? domain::LotState::pending : domain::LotState::available;
      lot.granted = r.i();
      lot.remaining = r.i();
      lot.earned_at = r.t();
      lot.available_at = core::Timestamp{lot.earned_at.micros + r.i()};
      if (r.b()) lot.expires_at = core::Timestamp{lot.available_at.micros + r.i()};
      lot.order_id = r.s();
      return lot;
    });
  }
  if (version >= 2) {
    read_list(r, state.actions, [&r] {
      domain::ActionCount action;
      action.rule = r.s();
      action.count = r.i();
      action.last_at = r.t();
      action.month = r.i();
      action.month_count = r.i();
      return action;
    });
  }
  if (version >= 3) {
    read_list(r, state.missions, [&r] {
      domain::MissionProgress progress;
      progress.mission = r.s();
      progress.count = r.i();
      progress.completed = r.i();
      progress.month = r.i();
      return progress;
    });
    read_list(r, state.badges, [&r] {
      domain::Badge badge;
      badge.id = r.s();
      badge.at = r.t();
      badge.source = r.s();
      return badge;
    });
  }
  bool known_values = true;
  if (version >= 4) {
    read_list(r, state.redemptions, [&r, &known_values] {
      domain::Redemption redemption;
      redemption.code = r.s();
      redemption.reward = r.s();
      redemption.event = r.s();
      redemption.points = r.i();
      redemption.issued_at = r.t();
      redemption.expires_at = r.ot();
      redemption.return_on_expiry = r.b();
      const std::uint64_t status = r.u();
      known_values &= status <= static_cast<std::uint64_t>(domain::CodeStatus::expired);
      redemption.status = static_cast<domain::CodeStatus>(status);
      redemption.closed_at = r.t();
      redemption.order_id = r.s();
      redemption.name = r.s();
      const std::uint64_t kind = r.u();
      known_values &= kind <= static_cast<std::uint64_t>(domain::RewardKind::store_credit);
      redemption.kind = static_cast<domain::RewardKind>(kind);
      if (r.b()) {
        const std::int64_t minor = r.i();
        const auto currency = core::find_currency(r.s());
        known_values &= currency.has_value();
        if (currency) redemption.amount = core::Money{minor, *currency};
      }
      redemption.percent = static_cast<int>(r.i());
      redemption.target = r.s();
      read_list(r, redemption.lots, [&r] {
        domain::RedeemedLot lot;
        lot.lot = static_cast<std::uint32_t>(r.u());
        lot.points = r.i();
        lot.granted = r.i();
        lot.expires_at = r.ot();
        lot.order_id = r.s();
        return lot;
      });
      return redemption;
    });
    if (r.b()) {
      domain::MemberTier tier;
      tier.id = r.s();
      tier.since = r.t();
      tier.review_at = r.t();
      tier.grace_until = r.ot();
      state.tier = std::move(tier);
    }
    read_list(r, state.tier_months, [&r] {
      domain::TierMonth month;
      month.month = r.i();
      month.spend = r.i();
      month.refunded = r.i();
      month.margin = r.i();
      month.orders = r.i();
      month.points = r.i();
      month.satisfaction_sum = r.i();
      month.satisfaction_count = r.i();
      return month;
    });
    const auto referral_status = [&r, &known_values] {
      const std::uint64_t status = r.u();
      known_values &= status <= static_cast<std::uint64_t>(domain::ReferralStatus::rejected);
      return static_cast<domain::ReferralStatus>(status);
    };
    if (r.b()) {
      domain::Referral referral;
      referral.referrer = r.s();
      referral.status = referral_status();
      referral.reason = r.s();
      referral.at = r.t();
      referral.order_id = r.s();
      referral.qualify_at = r.ot();
      referral.referrer_points = r.i();
      referral.referee_points = r.i();
      state.referral = std::move(referral);
    }
    read_list(r, state.referees, [&r, &referral_status] {
      domain::Referee referee;
      referee.member = r.s();
      referee.status = referral_status();
      referee.at = r.t();
      return referee;
    });
    if (r.b()) {
      domain::Membership membership;
      membership.plan = r.s();
      const std::uint64_t status = r.u();
      known_values &= status <= static_cast<std::uint64_t>(domain::MembershipStatus::expired);
      membership.status = static_cast<domain::MembershipStatus>(status);
      membership.since = r.t();
      membership.until = r.t();
      membership.ended_at = r.t();
      state.membership = std::move(membership);
    }
    state.birthday_md = r.s();
    state.time_zone = r.s();
    state.next_birthday = r.ot();
  }
  if (version >= 5) {
    state.first_purchase_md = r.s();
    state.next_purchase_anniversary = r.ot();
    state.next_program_anniversary = r.ot();
    state.settled_spend = r.i();
    read_list(r, state.spend_reached, [&r] { return r.s(); });
    const std::size_t with_spend = r.count();
    for (std::size_t k = 0; k < with_spend && r.ok(); ++k) {
      const std::uint64_t index = r.u();
      const std::int64_t spend = r.i();
      if (index >= state.lots.size()) return corrupt("member state");
      state.lots[index].spend = spend;
    }
  }
  if (version >= 6) {
    domain::Wallet& wallet = state.wallet;
    wallet.currency = r.s();
    wallet.available = r.i();
    read_list(r, wallet.pending, [&r] {
      domain::PendingCredit credit;
      credit.order_id = r.s();
      credit.amount = r.i();
      credit.available_at = r.t();
      return credit;
    });
    wallet.earned = r.i();
    wallet.spent = r.i();
    wallet.reversed = r.i();
    const std::size_t paid_with_credit = r.count();
    for (std::size_t k = 0; k < paid_with_credit && r.ok(); ++k) {
      const std::uint64_t index = r.u();
      const std::int64_t credit = r.i();
      if (index >= state.redemptions.size()) return corrupt("member state");
      state.redemptions[index].credit = credit;
    }
  }
  if (version >= 7) {
    read_list(r, state.identity, [&r] { return r.s(); });
    state.leaderboard = r.b();
  }
  if (version >= 8) {
    read_list(r, state.consents, [&r] {
      domain::Consent consent;
      consent.topic = r.s();
      consent.granted = r.b();
      consent.at = r.t();
      return consent;
    });
    state.tickets = r.i();
    read_list(r, state.recent_tickets, [&r] {
      domain::Ticket ticket;
      ticket.ticket_id = r.s();
      ticket.topic = r.s();
      ticket.at = r.t();
      return ticket;
    });
  }
  if (version >= 9) {
    if (r.u() != state.missions.size()) return corrupt("member state");
    for (auto& progress : state.missions) {
      progress.started_at = r.ot();
      progress.completed_at = r.ot();
    }
  }
  if (!known_values) return corrupt("member state");
  if (!r.ok() || !r.at_end()) return corrupt("member state");
  return state;
}

void encode_order(const domain::OrderRecord& order, std::string& out) {
  Writer w(std::move(out));
  w.u(kFormatVersion);
  w.s(order.order_id);
  w.s(order.member);
  w.s(order.event_id);
  w.s(order.currency.code_view());
  w.t(order.placed_at);
  w.i(order.total_paid);
  w.i(order.points);
  w.u(order.lot_id);
  w.i(order.refunded_amount);
  w.i(order.reversed);
  w.b(order.cancelled);
  w.b(order.fully_refunded);
  w.u(order.lines.size());
  for (const auto& line : order.lines) {
    w.s(line.line_id);
    w.s(line.sku);
    w.i(line.quantity);
    w.i(line.refunded_quantity);
    w.i(line.points);
    w.i(line.net);
  }
  w.i(order.merchandise);
  w.i(order.cashback);
  w.i(order.cashback_reversed);
  out = w.take();
}

core::Result<domain::OrderRecord> decode_order(std::string_view bytes) {
  Reader r(bytes);
  const std::uint64_t version = r.u();
  if (version < 1 || version > kFormatVersion) return corrupt("order record");
  domain::OrderRecord order;
  order.order_id = r.s();
  order.member = r.s();
  order.event_id = r.s();
  const auto currency = core::find_currency(r.s());
  if (!currency) return corrupt("order record");
  order.currency = *currency;
  order.placed_at = r.t();
  order.total_paid = r.i();
  order.points = r.i();
  order.lot_id = static_cast<std::uint32_t>(r.u());
  order.refunded_amount = r.i();
  order.reversed = r.i();
  order.cancelled = r.b();
  order.fully_refunded = r.b();
  read_list(r, order.lines, [&r, version] {
    domain::OrderLineRecord line;
    line.line_id = r.s();
    line.sku = r.s();
    line.quantity = r.i();
    line.refunded_quantity = r.i();
    line.points = r.i();
    if (version >= 2) line.net = r.i();
    return line;
  });
  if (version >= 2) order.merchandise = r.i();
  if (version >= 3) {
    order.cashback = r.i();
    order.cashback_reversed = r.i();
  }
  if (!r.ok() || !r.at_end()) return corrupt("order record");
  return order;
}

std::string encode_lots(const std::vector<domain::LotTouch>& lots) {
  std::string text;
  for (const auto& touch : lots) {
    if (!text.empty()) text += ',';
    text += std::to_string(touch.lot);
    text += ':';
    text += std::to_string(touch.points);
  }
  return text;
}

core::Result<std::vector<domain::LotTouch>> decode_lots(std::string_view text) {
  std::vector<domain::LotTouch> lots;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    const std::size_t colon = item.find(':');
    if (colon == std::string_view::npos) return corrupt("ledger lots");
    domain::LotTouch touch;
    const auto lot_end = item.data() + colon;
    if (std::from_chars(item.data(), lot_end, touch.lot).ptr != lot_end)
      return corrupt("ledger lots");
    const auto points_end = item.data() + item.size();
    if (std::from_chars(lot_end + 1, points_end, touch.points).ptr != points_end) {
      return corrupt("ledger lots");
    }
    lots.push_back(touch);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return lots;
}

}  // namespace fidelis::store
