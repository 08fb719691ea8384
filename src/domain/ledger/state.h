// The derived state of one member: counters, open lots, and the order records that refunds need.
// Everything here is rebuilt exactly by replaying the member's events (DESIGN.md).
//
// Invariants (check_invariants):
//   available + pending - debt == earned - spent - expired - reversed
//   every open lot has 0 < remaining <= granted; the sum of remainders == available + pending
//   debt >= 0, and debt > 0 only while available == 0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/money.h"
#include "core/time.h"
#include "domain/program/program.h"
#include "domain/types.h"

namespace fidelis::domain {

enum class LotState : std::uint8_t { pending = 0, available = 1 };

// A lot is the points one credit granted, tracked until they are all spent, expired or taken
// back. Debits always name the lots they consumed, so a spent lot can never expire again.
struct Lot {
  std::uint32_t id = 0;
  LotState state = LotState::pending;
  Points granted = 0;
  Points remaining = 0;
  core::Timestamp earned_at;
  core::Timestamp available_at;               // release time for pending lots
  std::optional<core::Timestamp> expires_at;  // lot expiry; valid while time < expires_at
  std::string order_id;                       // for order lots (the ledger names the event)
  // Order lots: the order's net merchandise still kept (refunds in the window take it down), in
  // the currency of the spend milestones at the time; 0 otherwise. Counted when the order settles.
  std::int64_t spend = 0;

  bool operator==(const Lot&) const = default;
};

// How often an action rule (program "actions") has earned for a member.
struct ActionCount {
  std::string rule;
  std::int64_t count = 0;
  core::Timestamp last_at;         // when it last earned
  std::int64_t month = INT64_MIN;  // UTC month number month_count belongs to
  std::int64_t month_count = 0;

  bool operator==(const ActionCount&) const = default;
};

// A member's progress on a mission (program "missions").
struct MissionProgress {
  std::string mission;
  std::int64_t count = 0;          // counted actions (this month for monthly missions)
  std::int64_t completed = 0;      // times completed
  std::int64_t month = INT64_MIN;  // monthly missions: UTC month number `count` belongs to
  // When the first action was counted, and when the mission was first completed, as the program
  // recorded them (an order counts at its release). Unknown for states stored before format 9.
  std::optional<core::Timestamp> started_at, completed_at;

  bool operator==(const MissionProgress&) const = default;
};

struct Badge {
  std::string id;
  core::Timestamp at;  // when it was awarded
  std::string source;  // what awarded it, e.g. "mission.reviews-3"

  bool operator==(const Badge&) const = default;
};

// A member's answer on one messaging topic: a channel ("email", "sms", "push", "webhook"),
// optionally narrowed to a purpose ("email.newsletter"). Messages go only where it is granted.
struct Consent {
  std::string topic;
  bool granted = false;
  core::Timestamp at;  // when the member gave or withdrew it (the event's occurred_at)

  bool operator==(const Consent&) const = default;
};

// A support ticket the member opened, for the agent view (seed 004).
struct Ticket {
  std::string ticket_id;
  std::string topic;  // as the shop sent it, may be empty
  core::Timestamp at;

  bool operator==(const Ticket&) const = default;
};
inline constexpr std::size_t kRecentTicketsKept = 5;

// Months of tier history kept per member: the longest window allowed.
inline constexpr std::int64_t kTierMonthsKept = 36;

enum class CodeStatus : std::uint8_t { issued = 0, used = 1, cancelled = 2, expired = 3 };
std::string_view code_status_name(CodeStatus status);

// Points a redemption took from one lot, with what is needed to give them back to that lot even
// after it closed.
struct RedeemedLot {
  std::uint32_t lot = 0;
  Points points = 0;
  Points granted = 0;  // the lot's own size: a re-opened lot gets it back
  std::optional<core::Timestamp> expires_at;
  std::string order_id;

  bool operator==(const RedeemedLot&) const = default;
};

// A reward a member redeemed, and its code. What the code gives is recorded at redemption, so a
// later program version never changes a code already issued.
struct Redemption {
  std::string code;  // printed form
  std::string reward;
  std::string event;  // the reward.redeemed event
  Points points = 0;
  core::Timestamp issued_at;
  std::optional<core::Timestamp> expires_at;  // valid while time < expires_at
  bool return_on_expiry = true;
  CodeStatus status = CodeStatus::issued;
  core::Timestamp closed_at;  // when used, cancelled or expired
  std::string order_id;       // the order it was used on, if given
  std::string name;           // the reward's name and benefit, as at redemption
  RewardKind kind = RewardKind::fixed_discount;
  std::optional<core::Money> amount;
  int percent = 0;
  std::string target;
  std::vector<RedeemedLot> lots;  // while issued; emptied once the code is closed
  std::int64_t credit = 0;        // store credit paid instead of points (program "cashback")

  bool operator==(const Redemption&) const = default;
};

// What one UTC month added to a member's tier measure (program "tiers").
struct TierMonth {
  std::int64_t month = 0;             // core::utc_month_number
  std::int64_t spend = 0;             // net merchandise of orders placed, in the tiers' currency
  std::int64_t refunded = 0;          // of that spend, refunded or cancelled since
  std::int64_t margin = 0;            // of orders placed (lines with a unit cost)
  std::int64_t orders = 0;            // placed, less those cancelled or refunded in full
  Points points = 0;                  // credited, less take-backs for refunds and cancellations
  std::int64_t satisfaction_sum = 0;  // survey answers scored 0-100
  std::int64_t satisfaction_count = 0;

  bool operator==(const TierMonth&) const = default;
};

// The member's tier: which level (empty: below the lowest), since when, the next review, and the
// end of a grace period running after a review found the member below their level.
struct MemberTier {
  std::string id;
  core::Timestamp since;
  core::Timestamp review_at;
  std::optional<core::Timestamp> grace_until;

  bool operator==(const MemberTier&) const = default;
};

// A referral as the referee holds it (docs/reference/program.md "Referrals").
enum class ReferralStatus : std::uint8_t {
  flagged = 0,   // held for review (self-referral, unknown referrer, not new, over the cap)
  pending = 1,   // waiting for the referee's first order
  ordered = 2,   // first order placed, waiting for its return window
  rewarded = 3,  // both sides credited
  voided = 4,    // the first order was cancelled or refunded in full within its window
  rejected = 5,  // a flagged referral the shop turned down
};
std::string_view referral_status_name(ReferralStatus status);

struct Referral {
  std::string referrer;  // the referrer's member id (as sent, when it could not be resolved)
  ReferralStatus status = ReferralStatus::pending;
  std::string reason;  // why it is flagged or void
  core::Timestamp at;  // when the referee joined
  std::string order_id;
  std::optional<core::Timestamp> qualify_at;  // the first order's return window ends
  Points referrer_points = 0;                 // the program's amounts when the referee joined
  Points referee_points = 0;

  bool operator==(const Referral&) const = default;
};

// A referral as the referrer sees it.
struct Referee {
  std::string member;
  ReferralStatus status = ReferralStatus::pending;
  core::Timestamp at;  // when the referee joined

  bool operator==(const Referee&) const = default;
};

// A paid membership (docs/reference/program.md "Memberships").
enum class MembershipStatus : std::uint8_t { active = 0, cancelled = 1, expired = 2 };
std::string_view membership_status_name(MembershipStatus status);

struct Membership {
  std::string plan;
  MembershipStatus status = MembershipStatus::active;
  core::Timestamp since;  // started (the latest start)
  core::Timestamp until;  // end of the period paid for
  core::Timestamp ended_at;

  bool operator==(const Membership&) const = default;
};

// Cashback credited for an order, waiting for its return window (program "cashback").
struct PendingCredit {
  std::string order_id;
  std::int64_t amount = 0;  // minor units, > 0
  core::Timestamp available_at;

  bool operator==(const PendingCredit&) const = default;
};

// The member's store credit from cashback, in minor units of `currency`. Store credit does not
// expire. Invariant: available + pending == earned - spent - reversed, available >= 0.
struct Wallet {
  std::string currency;  // ISO 4217 code, empty until the first credit
  std::int64_t available = 0;
  std::vector<PendingCredit> pending;  // in the order credited
  std::int64_t earned = 0, spent = 0, reversed = 0;

  std::int64_t pending_total() const;
  bool operator==(const Wallet&) const = default;
};

inline constexpr std::size_t kIdentityKept = 16;

// The yearly milestones (program "milestones"), in timer rank order.
enum class Yearly { birthday, purchase_anniversary, program_anniversary };
inline constexpr Yearly kYearlyMilestones[] = {Yearly::birthday, Yearly::purchase_anniversary,
                                               Yearly::program_anniversary};

struct MemberState {
  std::string member;
  core::Timestamp clock = core::Timestamp::min();  // latest time applied (event or timer)
  core::Timestamp first_seen_at = core::Timestamp::min();
  Points earned = 0;
  Points spent = 0;
  Points expired = 0;
  Points reversed = 0;
  Points debt = 0;
  std::vector<Lot> lots;  // open lots (remaining > 0, or pending), ordered by id
  std::uint32_t next_lot_id = 1;
  std::uint64_t next_seq = 1;  // ledger sequence, gap-free per member
  std::optional<core::Timestamp> inactivity_deadline;
  std::int64_t cap_day = INT64_MIN;  // UTC day number the day counter belongs to
  Points cap_day_points = 0;
  std::int64_t cap_month = INT64_MIN;
  Points cap_month_points = 0;
  std::string locale;
  std::vector<ActionCount> actions;       // by rule id
  std::vector<MissionProgress> missions;  // by mission id
  std::vector<Badge> badges;              // in the order awarded, each id once
  std::vector<Redemption> redemptions;    // in the order redeemed
  std::optional<MemberTier> tier;         // under a program with tiers
  std::vector<TierMonth> tier_months;     // by month, the last kTierMonthsKept
  std::optional<Referral> referral;       // how this member was referred, if they were
  std::vector<Referee> referees;          // members this one referred, in the order they joined
  std::optional<Membership> membership;
  std::string birthday_md;                       // "MM-DD", empty when unknown
  std::string time_zone;                         // IANA name, empty: UTC
  std::optional<core::Timestamp> next_birthday;  // under a program with a birthday milestone
  std::string first_purchase_md;                 // "MM-DD", local date of the first settled order
  std::optional<core::Timestamp> next_purchase_anniversary;
  std::optional<core::Timestamp> next_program_anniversary;
  std::int64_t settled_spend = 0;          // of settled orders, in the spend milestones' currency
  std::vector<std::string> spend_reached;  // spend milestones reached, in the order reached
  Wallet wallet;                           // store credit from cashback
  // Identity digests (keyed hashes of the normalised email, phone, address) the member has
  // given, oldest first, at most kIdentityKept: referral checks compare them.
  std::vector<std::string> identity;
  bool leaderboard = false;            // opted in to the leaderboard
  std::vector<Consent> consents;       // by topic
  std::int64_t tickets = 0;            // support tickets opened, all time
  std::vector<Ticket> recent_tickets;  // the last kRecentTicketsKept, oldest first

  // The redemption with this printed code, or null.
  const Redemption* redemption(std::string_view code) const;
  // Codes of `reward` issued or used (cancelled and expired ones do not count).
  std::int64_t codes_held(std::string_view reward) const;

  Points available() const;
  Points pending() const;
  // The earliest time a timer (release, code expiry, lot expiry, inactivity expiry, tier review,
  // end of tier grace, referral qualifying, membership end, yearly milestones) is due.
  std::optional<core::Timestamp> next_due() const;
  // The soonest lot expiry among available lots, with the points it would take, if any.
  struct NextExpiry {
    Points points = 0;
    core::Timestamp at;
  };
  std::optional<NextExpiry> next_expiry() const;
  // Stops the process if an invariant does not hold (FIDELIS_ASSERT): a halt beats a wrong ledger.
  void check_invariants() const;

  bool operator==(const MemberState&) const = default;
};

struct OrderLineRecord {
  std::string line_id;  // as sent, or "#1", "#2"… by position; "#shipping" / "#tax" when earning
  std::string sku;
  std::int64_t quantity = 0;
  std::int64_t refunded_quantity = 0;
  Points points = 0;     // what this line earned, as recorded at the time
  std::int64_t net = 0;  // the line's merchandise after its share of the discount (0: #shipping)

  bool operator==(const OrderLineRecord&) const = default;
};

// What an order earned, as recorded when it was placed. Refunds read this, never today's rules.
struct OrderRecord {
  std::string order_id;
  std::string member;
  std::string event_id;
  core::Currency currency;
  core::Timestamp placed_at;
  std::int64_t total_paid = 0;   // lines - discount + shipping + tax, minor units
  std::int64_t merchandise = 0;  // lines - discount
  Points points = 0;             // credited (after caps)
  std::uint32_t lot_id = 0;      // 0 when it earned nothing
  std::int64_t refunded_amount = 0;
  Points reversed = 0;  // taken back so far (including any waived shortfall)
  bool cancelled = false;
  bool fully_refunded = false;
  std::vector<OrderLineRecord> lines;
  std::int64_t cashback = 0;           // store credit credited, minor units (program "cashback")
  std::int64_t cashback_reversed = 0;  // taken back so far (including any not found to take)

  // Merchandise refunded so far: each line's net by units refunded, the order's merchandise by
  // amount refunded (as reversal_target() does for points), at most the merchandise.
  std::int64_t refunded_merchandise() const;

  bool operator==(const OrderRecord&) const = default;
};

enum class LineKind : std::uint8_t {
  pending = 0,   // +N pending (an order's points during the return window)
  earn = 1,      // +N available at once
  release = 2,   // N move from pending to available
  spend = 3,     // -N available
  expire = 4,    // -N available
  reverse = 5,   // -N available and/or pending (refund, cancellation)
  adjust = 6,    // +/-N available (manual adjustment)
  debt = 7,      // -N carried as debt (a take-back larger than the balance)
  repay = 8,     // -N available to pay debt back
  returned = 9,  // +N spent points given back (a code cancelled or expired unused)
};

std::string_view line_kind_name(LineKind kind);

struct LotTouch {
  std::uint32_t lot = 0;
  Points points = 0;  // signed: + credited to the lot, - taken from it

  bool operator==(const LotTouch&) const = default;
};

struct LedgerLine {
  std::uint64_t seq = 0;
  core::Timestamp at;
  LineKind kind = LineKind::earn;
  Points points = 0;
  std::string event;  // causing event id, or "timer"
  std::string rule;   // program rule, e.g. "earning.order", "pending.release", "expiry.lot"
  std::vector<LotTouch> lots;
  std::string order_id;
  std::string note;   // the adjustment's reason, the spend's reason
  Points waived = 0;  // points not credited (caps) or not taken back (clamp policy)
  Points available_after = 0;
  Points pending_after = 0;
  Points debt_after = 0;
  // Store credit lines (cashback, rewards paid with it): the signed amount in minor units of the
  // wallet's currency, and the available store credit after the line. Points stay 0 on them.
  std::int64_t credit = 0;
  std::int64_t credit_after = 0;

  bool operator==(const LedgerLine&) const = default;
};

// The member's timer for a yearly milestone (milestones.cc).
std::optional<core::Timestamp>& yearly_timer(MemberState& state, Yearly which);
inline const std::optional<core::Timestamp>& yearly_timer(const MemberState& state, Yearly which) {
  return yearly_timer(const_cast<MemberState&>(state), which);
}

// What a line adds to the points a member earned: credits (pending, earn, positive adjustments)
// count, take-backs for refunds and cancellations (reverse, debt) count against; spending,
// expiry and releases do not. Tier "points" and the leaderboard measure this.
Points earned_points(const LedgerLine& line);

// One readable sentence saying why the balance moved, in English or French (locale "fr…").
// `credit_currency` is the wallet's, for store credit lines.
std::string reason_sentence(const LedgerLine& line, std::string_view locale,
                            std::string_view credit_currency = "");

}  // namespace fidelis::domain
