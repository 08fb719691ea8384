// The program definition: the merchant's loyalty rules as data (docs/reference/program.md).
// parse_program() validates a JSON definition and reports every problem with its JSON pointer.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/money.h"
#include "core/result.h"
#include "core/time.h"
#include "domain/types.h"

// core::JsonParser is only named here; the .cc files that parse include core/json_reader.h, so
// simdjson's large header stays out of every other translation unit (build time).
namespace fidelis::core {
class JsonParser;
}  // namespace fidelis::core

namespace fidelis::domain {

// Multipliers are fixed-point with six decimals: 1.5 is 1'500'000.
inline constexpr std::int64_t kMultiplierScale = 1'000'000;

enum class EarnBase { net_merchandise, margin };
enum class Rounding { down, nearest, up };
enum class Shortfall { debt, clamp };
enum class ExpiryMode { none, lot, inactivity };

// `points` points for every `per` of the currency. For the wildcard currency "*", `per` is a
// whole number of major units, read in each order's own currency.
struct EarnRate {
  std::string currency;  // ISO 4217 code or "*"
  Points points = 1;
  std::string per = "1";
};

struct Earning {
  EarnBase base = EarnBase::net_merchandise;
  bool include_shipping = false;
  bool include_tax = false;
  std::vector<EarnRate> rates;
  Rounding rounding = Rounding::down;
  std::map<std::string, std::int64_t, std::less<>> category_multipliers;  // scaled
  std::map<std::string, std::int64_t, std::less<>> sku_multipliers;  // scaled, win over category
  std::optional<Points> cap_per_day;                                 // UTC days
  std::optional<Points> cap_per_month;                               // UTC calendar months
};

struct Expiry {
  ExpiryMode mode = ExpiryMode::none;
  int after_days = 0;    // lot mode: lifetime in days (one of days or months)
  int after_months = 0;  // lot mode: lifetime in months; inactivity mode: months without activity
  bool round_to_month_end = false;
  std::optional<int> notice_days;  // members are told this many days before points expire
  // Inactivity mode: the event types that count as activity.
  std::vector<std::string> activity = {"order.placed", "points.spent", "reward.redeemed"};
};

// Points for an action other than an order (docs/reference/program.md "Actions"): a review, a
// social follow, a completed profile, a survey answer, joining (sign-up or launch bonus), or a
// custom event. Each rule counts for itself: "once" is once per member and rule.
struct ActionRule {
  std::string id;
  std::string on;                              // the event type
  Points points = 0;                           // > 0
  Points photo_bonus = 0;                      // review.posted with "photo": true
  std::string network;                         // social.followed: only this network (empty: any)
  bool repeat = false;                         // false: once per member
  int cooldown_days = 0;                       // repeat: days before the rule can earn again
  std::optional<std::int64_t> max_per_member;  // repeat: most times in all
  std::optional<std::int64_t> per_month;       // repeat: most times per UTC calendar month
  std::optional<core::Timestamp> from, until;  // only events in [from, until)
  std::string terms;                           // what members read (rules page)
};

// A mission (challenge): `target` counted actions, optionally inside a window or every calendar
// month, rewarded with points and/or a badge on completion (docs/reference/program.md).
struct Mission {
  std::string id;
  std::string on;       // the counted event type (an action type, see ActionRule)
  std::string network;  // social.followed: only this network counts
  std::int64_t target = 1;
  Points points = 0;     // credited on completion (0: badge only)
  std::string badge;     // awarded on completion (empty: points only)
  bool monthly = false;  // "recurring": "month": progress restarts every UTC calendar month
  std::optional<core::Timestamp> from, until;
  std::string terms;
};

// Tiers (docs/reference/program.md "Tiers"): ordered levels a member qualifies for by a measure
// over a window of months, upgraded at once, reviewed for downgrades on a schedule.
enum class TierMeasure { spend, points, orders, value_score };
enum class Period { month, quarter, year };
inline std::int64_t period_months(Period period) {
  return period == Period::year ? 12 : period == Period::quarter ? 3 : 1;
}
enum class Downgrade { one_step, recompute };

struct TierLevel {
  std::string id;
  std::string name;
  std::int64_t threshold = 0;  // spend: minor units of the tiers' currency; else a count or score
  bool secret = false;         // not shown to members who have not reached it
  std::int64_t earn_multiplier = kMultiplierScale;  // scaled, applies to order points
  bool free_shipping = false;
  bool early_access = false;
  bool priority_service = false;
  std::string terms;
};

// The value score (seed 004): each component scored 0-100, then a weighted mean.
struct ValueScore {
  int spend = 0, margin = 0, regularity = 0, satisfaction = 0, returns = 0;  // weights
  std::int64_t spend_target = 0;   // minor units: spend at or above it scores 100
  std::int64_t margin_target = 0;  // minor units
};

struct Tiers {
  TierMeasure measure = TierMeasure::spend;
  std::optional<core::Currency> currency;  // spend and value score: orders in it count
  int window_months = 12;                  // rolling window, counting the current month
  std::optional<Period> calendar;          // instead: the current calendar period
  Period review = Period::month;           // downgrades are considered at each period's start
  int grace_days = 0;
  Downgrade downgrade = Downgrade::one_step;
  ValueScore value_score;
  std::vector<TierLevel> levels;  // ascending thresholds

  // Index of a level, or -1.
  int index_of(std::string_view id) const;
};

// What a reward gives (docs/reference/program.md "Rewards").
enum class RewardKind {
  fixed_discount,    // `amount` off an order
  percent_discount,  // `percent` % off an order
  free_shipping,
  free_product,  // the product `sku`
  access,        // exclusive or early access, an experience: described by its name and terms
  partner,       // a partner's offer: `partner` names it
  donation,      // `amount` given to `charity` in the member's name
  store_credit,  // `amount` of store credit
};
std::string_view reward_kind_name(RewardKind kind);

// A reward of the catalogue: what it costs, who may have it, how many, and for how long its code
// is valid.
struct Reward {
  std::string id;
  std::string name;
  RewardKind kind = RewardKind::fixed_discount;
  Points points = 0;                       // cost in points (0 when paid with store credit)
  std::int64_t credit_cost = 0;            // or cost in store credit (program "cashback")
  std::optional<core::Money> amount;       // fixed_discount, donation, store_credit
  int percent = 0;                         // percent_discount: 1-100
  std::string target;                      // free_product: the SKU; partner: the partner;
                                           // donation: the charity
  int valid_days = 0;                      // code validity; 0: the code never expires
  std::optional<std::int64_t> stock;       // most codes outstanding or used, shop-wide
  std::optional<std::int64_t> per_member;  // most codes outstanding or used per member
  bool return_on_expiry = true;            // an expired unused code gives its points back
  std::string min_tier;                    // only members in this tier or a higher one
  std::vector<std::string> segments;       // only members in one of these segments (ids)
  std::string terms;
};

// A custom segment: members whose recent behaviour and standing meet every condition given
// (docs/reference/program.md "Segments"). Rewards may be reserved to segments. Counts are over
// the current UTC calendar month and the months before it, `months` in all, as kept for tiers.
struct Segment {
  std::string id;
  std::string name;
  int months = 12;                                    // 1-36
  std::optional<std::int64_t> orders_at_least;        // placed, less cancelled or refunded in full
  std::optional<std::int64_t> orders_at_most;         // e.g. 0: no order lately
  std::optional<Points> points_at_least;              // earned, less take-backs
  std::optional<std::int64_t> satisfaction_at_least;  // mean survey score 0-100 (answers needed)
  std::optional<int> member_for_days;                 // known to the program at least this long
  std::vector<std::string> tiers;                     // benefit level is one of these
  std::vector<std::string> badges;                    // holds every one of these
  bool membership = false;                            // a paid membership is active
};

// Double-sided referrals (parrainage): once the referee's first order has passed the return
// window, both members are credited (docs/reference/program.md "Referrals").
struct Referrals {
  Points referrer_points = 0;
  Points referee_points = 0;
  std::optional<std::int64_t> max_per_month;  // per referrer; beyond, referrals are flagged
  std::string terms;
};

// A paid membership plan (billing stays with the shop): while active, the member enjoys the
// benefits of the tier level it names (docs/reference/program.md "Memberships").
struct MembershipPlan {
  std::string id;
  std::string name;
  std::string level;  // a level of "tiers"
  std::string terms;
};

// An opt-in, pseudonymous leaderboard of points earned per calendar period (docs/reference/
// program.md "Leaderboard"). It is shown, never rewarded: ranks give nothing (seed 003).
struct Leaderboard {
  Period period = Period::month;
  int size = 10;  // entries shown
  std::string terms;
};

// Cashback (docs/reference/program.md "Cashback"): a share of each order's net merchandise in
// `currency`, credited as store credit, pending for the return window like points, taken back on
// refund, and spendable on rewards priced in store credit.
struct Cashback {
  core::Currency currency;
  std::int64_t basis_points = 0;  // of eligible spend: 250 is 2.5 %
  std::string terms;
};

// Milestones (docs/reference/program.md "Milestones"): yearly dates at local midnight in the
// member's time zone (birthday, first-purchase anniversary, program anniversary), and lifetime
// spend thresholds counted as orders pass their return window.
struct YearlyMilestone {
  Points points = 0;
  core::Timestamp launched_at;  // program anniversary: the program's launch (UTC date counts)
  std::string terms;
};

struct SpendMilestone {
  std::string id;
  core::Money amount;  // lifetime spend (net merchandise of settled orders) to reach
  Points points = 0;   // credited when reached (0: badge only)
  std::string badge;   // awarded when reached (empty: none)
  std::string terms;
};

struct Program {
  std::string name;
  Earning earning;
  int pending_days = 0;  // return window; 0 = points are available at once
  Shortfall shortfall = Shortfall::debt;
  Expiry expiry;
  std::vector<ActionRule> actions;  // by id
  std::vector<Mission> missions;    // by id
  std::vector<Reward> rewards;      // by id
  std::optional<Tiers> tiers;
  std::optional<Referrals> referrals;
  std::vector<MembershipPlan> memberships;  // by id
  std::optional<YearlyMilestone> birthday;
  std::optional<YearlyMilestone> purchase_anniversary;  // of the member's first settled order
  std::optional<YearlyMilestone> program_anniversary;
  std::vector<SpendMilestone> spend_milestones;  // ascending amounts, all in one currency
  std::optional<Cashback> cashback;
  std::optional<Leaderboard> leaderboard;
  std::vector<Segment> segments;  // by id

  // The rate for an order currency: an exact match first, then "*". Nothing if none applies.
  const EarnRate* rate_for(std::string_view currency) const;
  // When a lot that became available at `available_at` expires, under lot expiry.
  std::optional<core::Timestamp> lot_expiry(core::Timestamp available_at) const;
  bool counts_as_activity(std::string_view event_type) const;
  const Reward* reward(std::string_view id) const;
  const Segment* segment(std::string_view id) const;
  // What points are worth: the best amount per point a reward paid in points offers, as
  // (amount, points); nothing without such a reward. Liability = outstanding × amount / points.
  std::optional<std::pair<core::Money, Points>> best_reward_rate() const;
  // `points` at best_reward_rate(), rounded down to the minor unit; nothing without a rate.
  std::optional<core::Money> value_of(Points points) const;
  // Monthly facts (orders, spend, points, surveys) are kept in member states for tiers and
  // segments.
  bool keeps_monthly_facts() const { return tiers.has_value() || !segments.empty(); }
};

// Parses a program definition. Errors carry JSON pointers into the definition.
core::Result<Program> parse_program(core::JsonParser& parser, std::string_view text);

}  // namespace fidelis::domain
