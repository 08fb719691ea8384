// Events: the immutable facts Fidelis is told (CONTRACT.md "Events"). parse_event() turns one
// JSON object into an Event, checking everything that can be checked without the member's state,
// and reporting every problem with its JSON pointer.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
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

enum class EventType {
  member_enrolled,
  member_updated,
  order_placed,
  order_cancelled,
  order_refunded,
  points_adjusted,
  points_spent,
  review_posted,
  social_followed,
  profile_completed,
  survey_answered,
  reward_redeemed,
  reward_used,
  reward_cancelled,
  referral_approved,
  referral_rejected,
  membership_started,
  membership_renewed,
  membership_cancelled,
  membership_expired,
  support_ticket_opened,
  guest_order_placed,
  custom,
};

std::string_view event_type_name(EventType type);
std::optional<EventType> find_event_type(std::string_view name);

struct OrderLine {
  std::string line_id;  // optional in the event; empty when not given
  std::string sku;
  std::string category;
  std::int64_t quantity = 0;
  std::int64_t unit_price = 0;  // minor units of the order's currency
  std::optional<std::int64_t> unit_cost;
};

struct OrderPlaced {
  std::string order_id;
  core::Currency currency;
  std::string channel;
  std::vector<OrderLine> lines;
  std::int64_t discount = 0;
  std::int64_t shipping = 0;
  std::int64_t tax = 0;
};

// An order of a customer outside the program (a guest checkout, a shopper who never joined):
// no member, no ledger effect. Kept in the input log so that the analytics can compare members'
// orders with everyone else's (AOV members vs non-members).
struct GuestOrderPlaced {
  OrderPlaced order;
};

// The order's net merchandise: its lines less its discount (shipping and tax excluded).
std::int64_t net_merchandise(const OrderPlaced& order);

struct OrderCancelled {
  std::string order_id;
};

struct RefundLine {
  std::string line_id;  // one of line_id or sku
  std::string sku;
  std::int64_t quantity = 0;
};

// A refund of the whole order (no lines, no amount), of lines and quantities, or of an amount.
struct OrderRefunded {
  std::string order_id;
  std::vector<RefundLine> lines;
  std::optional<std::string> amount;  // decimal string, read in the order's currency
  std::optional<std::string> currency;
};

struct PointsAdjusted {
  Points points = 0;  // signed, never zero
  std::string reason;
  std::string actor;
};

struct PointsSpent {
  Points points = 0;  // positive
  std::string reason;
  std::string order_id;
};

// Actions that can earn points or badges (program "actions").
struct ReviewPosted {
  std::string review_id;
  std::string sku;                     // optional
  std::optional<std::int64_t> rating;  // 1-5
  bool photo = false;
};

struct SocialFollowed {
  std::string network;  // e.g. "instagram"
};

struct ProfileCompleted {};

// At least one score. NPS 0-10, CSAT 1-5, CES 1-7.
struct SurveyAnswered {
  std::string survey_id;  // optional
  std::optional<std::int64_t> nps, csat, ces;
};

// A support ticket the member opened with the shop: no ledger effect; the analytics count them
// (support load in the value score) and the agent view lists them.
struct SupportTicketOpened {
  std::string ticket_id;
  std::string topic;  // optional, free text
};

// A member exchanged points for a reward and got `code`. Written by Fidelis itself (`reward
// redeem`, the redemptions route), which draws the code; never accepted from outside.
struct RewardRedeemed {
  std::string reward;
  std::string code;  // printed form (domain/reward/code.h)
};

// The shop took the code on an order.
struct RewardUsed {
  std::string code;      // normalized
  std::string order_id;  // optional
};

// The code is withdrawn unused: its points go back to the member.
struct RewardCancelled {
  std::string code;  // normalized
  std::string reason;
};

// The shop's decision on a referral held for review (member: the referee).
struct ReferralReviewed {
  std::string reason;
};

// A paid membership, as the shop's billing reports it. started/renewed: `plan` and the end of
// the period paid for (`until`); cancelled and expired end it at the event.
struct MembershipChange {
  std::string plan;                      // started: required; renewed: optional (a plan change)
  std::optional<core::Timestamp> until;  // started, renewed: required
  std::string reason;
};

struct MemberChange {
  std::string locale;
  std::string referred_by;
  std::string time_zone;            // IANA name, e.g. "Europe/Paris"
  std::optional<bool> leaderboard;  // opting in to (true) or out of (false) the leaderboard
  // Consents given (true) or withdrawn (false), by topic ("email", "sms.offers"), sorted.
  std::vector<std::pair<std::string, bool>> consents;
  // "MM-DD" of the birthday: derived from `birthday` and kept in the event log (month and day
  // only), so that birthday timers replay; `birthday` itself stays personal.
  std::string birthday_md;
  // Personal fields, when sent. They go to the profile store, never to the event log.
  std::optional<std::string> email, phone, name, birthday, address;
  // Keyed digests of the normalised email, phone and address (identity.h): written to the log
  // by Fidelis in place of them, so that referral checks ("same person") replay.
  std::vector<std::string> identity;
};

using EventData =
    std::variant<std::monostate, MemberChange, OrderPlaced, OrderCancelled, OrderRefunded,
                 PointsAdjusted, PointsSpent, ReviewPosted, SocialFollowed, ProfileCompleted,
                 SurveyAnswered, RewardRedeemed, RewardUsed, RewardCancelled, ReferralReviewed,
                 MembershipChange, SupportTicketOpened, GuestOrderPlaced>;

struct Event {
  std::string id;
  EventType type = EventType::custom;
  std::string type_name;  // as sent, e.g. "custom.quiz.passed"
  std::string shop;
  std::string member;
  core::Timestamp occurred_at;
  EventData data;
  // The event in canonical JSON (keys sorted, no spacing), without its personal fields.
  std::string body;
  // The personal fields (email, phone, name, birthday, address) in canonical JSON, or empty. They
  // are kept
  // apart from the event log so that erasing them never touches the ledger.
  std::string personal;
};

// The fields of member events that identify a person.
bool is_personal_field(std::string_view key);

// A keyed digest of one normalised identity value ("email:a@b.c") for a shop; empty when none
// can be made. The engine keys it with the shop's secret.
using IdentityHasher = std::function<std::string(std::string_view shop, std::string_view value)>;

// Parses and checks one event. `default_shop` applies when the event has no "shop"; when it has
// one, it must equal `required_shop` if that is not empty (the API's key shop).
// With `hasher` (events from outside), member events get their identity digests computed and
// written to the body, and may not carry "identity" themselves; without it (stored events), the
// body's "identity" is read back.
core::Result<Event> parse_event(core::JsonParser& parser, std::string_view text,
                                std::string_view default_shop, std::string_view required_shop = {},
                                const IdentityHasher& hasher = {});
// An event from the log (its canonical body, as parse_event wrote it): read and checked the same
// way, without a hasher, but the body is kept as it is instead of being written again (replay and
// simulation read every stored event; re-writing a canonical body gives the same bytes).
core::Result<Event> parse_stored_event(core::JsonParser& parser, std::string_view body,
                                       std::string_view shop);

// The normalised forms that identify a person across accounts: the email lower-cased without a
// "+tag" (and without dots for Gmail), the phone's last 9 digits, the address's letters and
// digits lower-cased, each prefixed with its kind ("email:", "phone:", "address:"); empty when
// the value has nothing to compare.
std::string normalized_email(std::string_view email);
std::string normalized_phone(std::string_view phone);
std::string normalized_address(std::string_view address);

// Event types only Fidelis writes (reward.redeemed): refused when sent from outside.
bool is_internal_event_type(EventType type);

// The order an order event names (placed, cancelled, refunded); null for other events.
const std::string* referenced_order(const Event& event);

// Checks an id (event id, member id, order id): 1-128 printable ASCII characters.
bool is_valid_id(std::string_view id);

}  // namespace fidelis::domain
