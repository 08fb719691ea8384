// parse_event(): envelope checks, per-type data checks, and the canonical body used for
// idempotency (same id + same canonical body = duplicate; different body = conflict).
#include <algorithm>
#include <array>
#include <cctype>

#include "core/json_reader.h"
#include "domain/event/event.h"
#include "domain/reward/code.h"

namespace fidelis::domain {
namespace {

using core::ErrorCode;
using core::Errors;
using core::ObjectReader;

constexpr std::array<std::pair<std::string_view, EventType>, 22> kEventTypes = {{
    {"member.enrolled", EventType::member_enrolled},
    {"member.updated", EventType::member_updated},
    {"order.placed", EventType::order_placed},
    {"order.cancelled", EventType::order_cancelled},
    {"order.refunded", EventType::order_refunded},
    {"points.adjusted", EventType::points_adjusted},
    {"points.spent", EventType::points_spent},
    {"review.posted", EventType::review_posted},
    {"social.followed", EventType::social_followed},
    {"profile.completed", EventType::profile_completed},
    {"survey.answered", EventType::survey_answered},
    {"reward.redeemed", EventType::reward_redeemed},
    {"reward.used", EventType::reward_used},
    {"reward.cancelled", EventType::reward_cancelled},
    {"referral.approved", EventType::referral_approved},
    {"referral.rejected", EventType::referral_rejected},
    {"membership.started", EventType::membership_started},
    {"membership.renewed", EventType::membership_renewed},
    {"membership.cancelled", EventType::membership_cancelled},
    {"membership.expired", EventType::membership_expired},
    {"support.ticket.opened", EventType::support_ticket_opened},
    {"guest.order.placed", EventType::guest_order_placed},
}};

constexpr std::array<std::string_view, 5> kPersonalFields = {"address", "birthday", "email", "name",
                                                             "phone"};
constexpr std::array<std::string_view, 3> kChannels = {"app", "online", "pos"};

std::optional<std::string> read_id(ObjectReader& reader, std::string_view key, bool required) {
  const auto text = reader.string(key, required, kIdLengthMax);
  if (!text) return std::nullopt;
  if (!is_valid_id(*text)) {
    reader.add_error(ErrorCode::id_invalid,
                     std::string(key) + " must be 1-128 printable ASCII characters",
                     reader.pointer(key));
    return std::nullopt;
  }
  return std::string(*text);
}

std::optional<std::int64_t> read_amount(ObjectReader& reader, std::string_view key, bool required,
                                        const std::optional<core::Currency>& currency) {
  const auto text = reader.string(key, required, 40);
  if (!text || !currency) return std::nullopt;
  auto amount = core::parse_amount(*text, *currency);
  if (!amount.ok()) {
    reader.add_error(amount.error().code, std::string(key) + ": " + amount.error().message,
                     reader.pointer(key));
    return std::nullopt;
  }
  return *amount;
}

std::optional<std::int64_t> read_quantity(ObjectReader& reader, std::string_view key) {
  const auto quantity = reader.integer(key, true);
  if (!quantity) return std::nullopt;
  if (*quantity <= 0 || *quantity > kQuantityMax) {
    reader.add_error(
        ErrorCode::quantity_must_be_positive,
        std::string(key) + " must be a whole number from 1 to " + std::to_string(kQuantityMax),
        reader.pointer(key));
    return std::nullopt;
  }
  return quantity;
}

// Calls `read(line_reader)` for each element of the array `lines`, recording an error for each
// element that is not an object (`what` names it in the message).
template <typename ReadLine>
void for_each_line(ObjectReader& data, simdjson::dom::array lines, std::string_view what,
                   ReadLine read) {
  const std::string lines_pointer = data.pointer("lines");
  std::size_t index = 0;
  for (const auto element : lines) {
    const std::string pointer = core::json_pointer_index(lines_pointer, index++);
    simdjson::dom::object object;
    if (element.get_object().get(object) != simdjson::SUCCESS) {
      data.add_error(ErrorCode::field_wrong_type, std::string(what) + " must be an object",
                     pointer);
      continue;
    }
    ObjectReader line_reader(object, pointer, data.errors());
    read(line_reader);
  }
}

OrderPlaced parse_order_placed(ObjectReader& data) {
  OrderPlaced order;
  order.order_id = read_id(data, "order_id", true).value_or("");
  std::optional<core::Currency> currency;
  if (const auto code = data.string("currency", true, 3)) {
    currency = core::find_currency(*code);
    if (!currency) {
      data.add_error(ErrorCode::currency_unknown,
                     "currency \"" + std::string(*code) + "\" is not an ISO 4217 code",
                     data.pointer("currency"));
    } else {
      order.currency = *currency;
    }
  }
  if (const auto channel = data.string("channel", false, 16)) {
    if (std::find(kChannels.begin(), kChannels.end(), *channel) == kChannels.end()) {
      data.add_error(ErrorCode::value_not_allowed, "channel must be online, pos or app",
                     data.pointer("channel"));
    }
    order.channel = std::string(*channel);
  }
  std::int64_t merchandise = 0;
  if (const auto lines = data.array("lines", true)) {
    const std::string lines_pointer = data.pointer("lines");
    if (lines->size() == 0) {
      data.add_error(ErrorCode::order_lines_empty, "an order needs at least one line",
                     lines_pointer);
    } else if (lines->size() > kOrderLinesMax) {
      data.add_error(ErrorCode::value_out_of_range,
                     "an order has at most " + std::to_string(kOrderLinesMax) + " lines",
                     lines_pointer);
    }
    for_each_line(data, *lines, "an order line", [&](ObjectReader& line_reader) {
      const std::string& pointer = line_reader.self_pointer();
      OrderLine line;
      line.sku = std::string(line_reader.string("sku", true, kIdLengthMax).value_or(""));
      if (line_reader.has("line_id"))
        line.line_id = read_id(line_reader, "line_id", true).value_or("");
      line.category = std::string(line_reader.string("category", false, kIdLengthMax).value_or(""));
      line.quantity = read_quantity(line_reader, "quantity").value_or(0);
      line.unit_price = read_amount(line_reader, "unit_price", true, currency).value_or(0);
      line.unit_cost = read_amount(line_reader, "unit_cost", false, currency);
      const Wide total = static_cast<Wide>(line.quantity) * line.unit_price;
      if (total > core::kMoneyMinorMax) {
        data.add_error(ErrorCode::money_out_of_range, "line total is too large", pointer);
      } else {
        merchandise += static_cast<std::int64_t>(total);
      }
      if (!line.line_id.empty()) {
        for (const auto& other : order.lines) {
          if (other.line_id == line.line_id) {
            data.add_error(ErrorCode::line_id_duplicate,
                           "line_id \"" + line.line_id + "\" appears twice",
                           core::json_pointer_child(pointer, "line_id"));
          }
        }
      }
      order.lines.push_back(std::move(line));
    });
  }
  order.discount = read_amount(data, "discount", false, currency).value_or(0);
  order.shipping = read_amount(data, "shipping", false, currency).value_or(0);
  order.tax = read_amount(data, "tax", false, currency).value_or(0);
  if (merchandise > core::kMoneyMinorMax) {
    data.add_error(ErrorCode::money_out_of_range, "order total is too large",
                   data.pointer("lines"));
  }
  if (currency && order.discount > merchandise) {
    data.add_error(ErrorCode::discount_exceeds_merchandise,
                   "discount " + core::format_amount(order.discount, *currency) +
                       " is larger than the lines' total " +
                       core::format_amount(merchandise, *currency),
                   data.pointer("discount"));
  }
  return order;
}

OrderRefunded parse_order_refunded(ObjectReader& data) {
  OrderRefunded refund;
  refund.order_id = read_id(data, "order_id", true).value_or("");
  if (const auto amount = data.string("amount", false, 40)) refund.amount = std::string(*amount);
  if (const auto currency = data.string("currency", false, 3)) {
    refund.currency = std::string(*currency);
  }
  if (const auto lines = data.array("lines", false)) {
    const std::string lines_pointer = data.pointer("lines");
    if (refund.amount) {
      data.add_error(ErrorCode::refund_shape_invalid, "a refund names lines or an amount, not both",
                     lines_pointer);
    }
    if (lines->size() == 0 || lines->size() > kOrderLinesMax) {
      data.add_error(ErrorCode::value_out_of_range,
                     "refunded lines must list 1 to " + std::to_string(kOrderLinesMax) + " lines",
                     lines_pointer);
    }
    for_each_line(data, *lines, "a refunded line", [&](ObjectReader& line_reader) {
      const std::string& pointer = line_reader.self_pointer();
      RefundLine line;
      if (line_reader.has("line_id"))
        line.line_id = read_id(line_reader, "line_id", true).value_or("");
      if (line_reader.has("sku")) {
        line.sku = std::string(line_reader.string("sku", true, kIdLengthMax).value_or(""));
      }
      if (!line_reader.has("line_id") && !line_reader.has("sku")) {
        data.add_error(ErrorCode::field_missing, "a refunded line needs sku or line_id", pointer);
      }
      line.quantity = read_quantity(line_reader, "quantity").value_or(0);
      refund.lines.push_back(std::move(line));
    });
  }
  return refund;
}

std::optional<Points> read_points(ObjectReader& data, bool allow_negative) {
  const auto points = data.integer("points", true);
  if (!points) return std::nullopt;
  if (*points == 0 && allow_negative) {
    data.add_error(ErrorCode::points_must_not_be_zero, "points must not be zero",
                   data.pointer("points"));
    return std::nullopt;
  }
  if ((!allow_negative && *points <= 0) || *points > kPointsMax || *points < -kPointsMax) {
    data.add_error(
        allow_negative ? ErrorCode::value_out_of_range : ErrorCode::points_must_be_positive,
        allow_negative ? "points must be between -10^12 and 10^12"
                       : "points must be a whole number from 1 to 10^12",
        data.pointer("points"));
    return std::nullopt;
  }
  return points;
}

// "MM-DD" of a birthday written "YYYY-MM-DD" or "MM-DD", or nothing when it is neither.
std::optional<std::string> birthday_month_day(std::string_view text) {
  if (text.size() == 10 && text[4] == '-') text = text.substr(5);
  if (text.size() != 5 || text[2] != '-') return std::nullopt;
  for (const std::size_t i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int month = (text[0] - '0') * 10 + (text[1] - '0');
  const int day = (text[3] - '0') * 10 + (text[4] - '0');
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return std::nullopt;
  return std::string(text);
}

// "consents": {"email": true, "sms.offers": false}: a channel, optionally narrowed to a purpose
// (lower-case letters, digits, '-' or '_'), given (true) or withdrawn (false).
constexpr std::array<std::string_view, 4> kConsentChannels = {"email", "sms", "push", "webhook"};
constexpr std::size_t kConsentsPerEvent = 32;

bool is_consent_topic(std::string_view topic) {
  const std::size_t dot = topic.find('.');
  const std::string_view channel = topic.substr(0, dot);
  if (std::find(kConsentChannels.begin(), kConsentChannels.end(), channel) ==
      kConsentChannels.end()) {
    return false;
  }
  if (dot == std::string_view::npos) return true;
  const std::string_view purpose = topic.substr(dot + 1);
  return !purpose.empty() && purpose.size() <= 32 &&
         std::all_of(purpose.begin(), purpose.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
         });
}

void parse_consents(ObjectReader& data, MemberChange& change) {
  const auto object = data.object("consents", false);
  if (!object) return;
  ObjectReader consents(*object, data.pointer("consents"), data.errors());
  std::size_t count = 0;
  for (const auto field : *object) {
    const std::string_view topic = field.key;
    if (++count > kConsentsPerEvent) {
      data.add_error(ErrorCode::value_out_of_range,
                     "at most " + std::to_string(kConsentsPerEvent) + " consents per event",
                     data.pointer("consents"));
      return;
    }
    if (!is_consent_topic(topic)) {
      consents.add_error(ErrorCode::value_not_allowed,
                         "a consent topic is a channel (email, sms, push, webhook), optionally "
                         "followed by '.' and a purpose of lower-case letters, digits, '-' or '_'",
                         consents.pointer(topic));
      continue;
    }
    if (const auto granted = consents.boolean(topic, true)) {
      change.consents.emplace_back(std::string(topic), *granted);
    }
  }
  std::sort(change.consents.begin(), change.consents.end());
}

MemberChange parse_member_change(ObjectReader& data) {
  MemberChange change;
  auto personal = [&data](std::string_view key) -> std::optional<std::string> {
    const auto text = data.string(key, false, 254);
    if (!text) return std::nullopt;
    return std::string(*text);
  };
  change.email = personal("email");
  change.phone = personal("phone");
  change.name = personal("name");
  change.birthday = personal("birthday");
  if (const auto address = data.string("address", false, 500))
    change.address = std::string(*address);
  // Stored events carry the identity digests Fidelis wrote (parse_event refuses them from outside).
  if (const auto identity = data.string("identity", false, 200)) {
    std::string_view rest = *identity;
    while (!rest.empty()) {
      const auto space = rest.find(' ');
      const std::string_view digest = rest.substr(0, space);
      const bool hex = digest.size() == 16 &&
                       digest.find_first_not_of("0123456789abcdef") == std::string_view::npos;
      if (!hex) {
        data.add_error(ErrorCode::value_not_allowed, "identity is digests written by Fidelis",
                       data.pointer("identity"));
        break;
      }
      change.identity.emplace_back(digest);
      rest = space == std::string_view::npos ? "" : rest.substr(space + 1);
    }
  }
  change.locale = std::string(data.string("locale", false, 35).value_or(""));
  change.leaderboard = data.boolean("leaderboard", false);
  if (const auto zone = data.string("time_zone", false, 64)) {
    if (core::is_time_zone(*zone)) {
      change.time_zone = std::string(*zone);
    } else {
      data.add_error(ErrorCode::value_not_allowed,
                     "time_zone \"" + std::string(*zone) +
                         "\" is not an IANA time zone (such as \"Europe/Paris\")",
                     data.pointer("time_zone"));
    }
  }
  if (change.birthday) {
    if (auto md = birthday_month_day(*change.birthday)) {
      change.birthday_md = std::move(*md);
    } else {
      data.add_error(ErrorCode::value_not_allowed, "birthday is \"YYYY-MM-DD\" or \"MM-DD\"",
                     data.pointer("birthday"));
    }
    if (data.has("birthday_md")) {
      data.add_error(ErrorCode::value_not_allowed,
                     "birthday_md is set by Fidelis from birthday: send one or the other",
                     data.pointer("birthday_md"));
    }
  } else if (const auto md = data.string("birthday_md", false, 5)) {
    // A stored event (its birthday kept apart), or a shop that shares only month and day.
    if (auto checked = birthday_month_day(*md)) {
      change.birthday_md = std::move(*checked);
    } else {
      data.add_error(ErrorCode::value_not_allowed, "birthday_md is \"MM-DD\"",
                     data.pointer("birthday_md"));
    }
  }
  if (data.has("referred_by")) change.referred_by = read_id(data, "referred_by", true).value_or("");
  parse_consents(data, change);
  return change;
}

// An optional whole number in [low, high].
std::optional<std::int64_t> read_score(ObjectReader& data, std::string_view key, std::int64_t low,
                                       std::int64_t high) {
  if (!data.has(key)) return std::nullopt;
  const auto value = data.integer(key, true);
  if (!value) return std::nullopt;
  if (*value < low || *value > high) {
    data.add_error(ErrorCode::value_out_of_range,
                   std::string(key) + " must be a whole number from " + std::to_string(low) +
                       " to " + std::to_string(high),
                   data.pointer(key));
    return std::nullopt;
  }
  return value;
}

ReviewPosted parse_review_posted(ObjectReader& data) {
  ReviewPosted review;
  review.review_id = read_id(data, "review_id", true).value_or("");
  if (data.has("sku")) review.sku = std::string(data.string("sku", true, 128).value_or(""));
  review.rating = read_score(data, "rating", 1, 5);
  review.photo = data.boolean("photo", false).value_or(false);
  return review;
}

SocialFollowed parse_social_followed(ObjectReader& data) {
  SocialFollowed follow;
  follow.network = std::string(data.string("network", true, 40).value_or(""));
  return follow;
}

SurveyAnswered parse_survey_answered(ObjectReader& data) {
  SurveyAnswered survey;
  if (data.has("survey_id")) survey.survey_id = read_id(data, "survey_id", true).value_or("");
  const bool any = data.has("nps") || data.has("csat") || data.has("ces");
  survey.nps = read_score(data, "nps", 0, 10);
  survey.csat = read_score(data, "csat", 1, 5);
  survey.ces = read_score(data, "ces", 1, 7);
  if (!any) {
    data.add_error(ErrorCode::field_missing,
                   "a survey answer needs at least one score: nps (0-10), csat (1-5) or ces (1-7)",
                   data.self_pointer());
  }
  return survey;
}

// "code": a redemption code as typed; its printed form.
std::string read_code(ObjectReader& data) {
  const auto text = data.string("code", true, 40);
  if (!text) return {};
  auto code = normalize_code(*text);
  if (!code) {
    data.add_error(ErrorCode::code_invalid,
                   "code \"" + std::string(*text) +
                       "\" is not a redemption code (13 characters of 0-9 and A-Z without I, L, "
                       "O, U; dashes and spaces ignored)",
                   data.pointer("code"));
    return {};
  }
  return std::move(*code);
}

// The canonical body: the event with keys sorted, `shop` filled in, and personal fields of `data`
// moved out to `personal`.
core::Status write_bodies(simdjson::dom::object root, std::string_view shop,
                          const std::string& identity, Event& event) {
  std::vector<std::pair<std::string_view, simdjson::dom::element>> members;
  for (const auto field : root) members.emplace_back(field.key, field.value);
  std::sort(members.begin(), members.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  core::JsonWriter body;
  core::JsonWriter personal;
  body.reserve(512);
  body.begin_object();
  bool wrote_shop = false;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const auto& [key, value] = members[i];
    if (i > 0 && key == members[i - 1].first) {
      return core::make_error(ErrorCode::json_malformed,
                              "duplicate key \"" + std::string(key) + "\"",
                              core::json_pointer_child("", key));
    }
    if (!wrote_shop && key > "shop") {
      body.key("shop").value(shop);
      wrote_shop = true;
    }
    if (key == "shop") {
      body.key("shop").value(shop);
      wrote_shop = true;
      continue;
    }
    body.key(key);
    simdjson::dom::object data;
    if (key == "data" && value.get_object().get(data) == simdjson::SUCCESS) {
      std::vector<std::pair<std::string_view, simdjson::dom::element>> fields;
      for (const auto field : data) fields.emplace_back(field.key, field.value);
      std::sort(fields.begin(), fields.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      body.begin_object();
      bool wrote_identity = identity.empty();
      for (std::size_t j = 0; j < fields.size(); ++j) {
        if (!wrote_identity && fields[j].first > "identity") {
          body.key("identity").value(identity);
          wrote_identity = true;
        }
        std::string pointer = "/data";
        core::append_json_pointer_segment(pointer, fields[j].first);
        if (j > 0 && fields[j].first == fields[j - 1].first) {
          return core::make_error(ErrorCode::json_malformed,
                                  "duplicate key \"" + std::string(fields[j].first) + "\"",
                                  pointer);
        }
        const bool is_member_event =
            event.type == EventType::member_enrolled || event.type == EventType::member_updated;
        core::JsonWriter& target =
            is_member_event && is_personal_field(fields[j].first) ? personal : body;
        if (&target == &personal && personal.str().empty()) personal.begin_object();
        target.key(fields[j].first);
        FIDELIS_CHECK(core::write_canonical(target, fields[j].second, pointer));
        if (&target == &personal && fields[j].first == "birthday") {
          // Month and day stay in the log for the birthday timer (MemberChange::birthday_md).
          const auto* change = std::get_if<MemberChange>(&event.data);
          if (change != nullptr && !change->birthday_md.empty()) {
            body.key("birthday_md").value(change->birthday_md);
          }
        }
      }
      if (!wrote_identity) body.key("identity").value(identity);
      body.end_object();
    } else {
      std::string pointer;
      core::append_json_pointer_segment(pointer, key);
      FIDELIS_CHECK(core::write_canonical(body, value, pointer));
    }
  }
  if (!wrote_shop) body.key("shop").value(shop);
  body.end_object();
  if (!personal.str().empty()) personal.end_object();
  event.body = body.take();
  event.personal = personal.take();
  return core::Ok{};
}

}  // namespace

std::string_view event_type_name(EventType type) {
  for (const auto& [name, value] : kEventTypes) {
    if (value == type) return name;
  }
  return "custom";
}

std::optional<EventType> find_event_type(std::string_view name) {
  for (const auto& [type_name, value] : kEventTypes) {
    if (type_name == name) return value;
  }
  if (name.size() > 7 && name.substr(0, 7) == "custom.") return EventType::custom;
  return std::nullopt;
}

std::int64_t net_merchandise(const OrderPlaced& order) {
  std::int64_t lines = 0;
  for (const OrderLine& line : order.lines) lines += line.quantity * line.unit_price;
  return lines - order.discount;
}

bool is_personal_field(std::string_view key) {
  return std::find(kPersonalFields.begin(), kPersonalFields.end(), key) != kPersonalFields.end();
}

bool is_internal_event_type(EventType type) { return type == EventType::reward_redeemed; }

const std::string* referenced_order(const Event& event) {
  if (const auto* placed = std::get_if<OrderPlaced>(&event.data)) return &placed->order_id;
  if (const auto* cancelled = std::get_if<OrderCancelled>(&event.data)) {
    return &cancelled->order_id;
  }
  if (const auto* refunded = std::get_if<OrderRefunded>(&event.data)) {
    return &refunded->order_id;
  }
  return nullptr;
}

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > kIdLengthMax) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

namespace {

// What parse_event and parse_stored_event share; `stored`: the text is a body from the log,
// already canonical, kept as it is.
core::Result<Event> read_event(core::JsonParser& parser, std::string_view text,
                               std::string_view default_shop, std::string_view required_shop,
                               const IdentityHasher& hasher, bool stored) {
  FIDELIS_TRY(const simdjson::dom::object root, parser.parse_object(text));
  Errors errors;
  ObjectReader reader(root, "", errors);
  Event event;
  event.id = read_id(reader, "id", true).value_or("");
  if (const auto type = reader.string("type", true, 128)) {
    event.type_name = std::string(*type);
    if (const auto known = find_event_type(*type)) {
      event.type = *known;
    } else {
      reader.add_error(
          ErrorCode::event_type_unknown,
          "unknown event type \"" + event.type_name + "\" (custom types start with \"custom.\")",
          "/type");
    }
  }
  if (reader.has("shop")) {
    event.shop = read_id(reader, "shop", true).value_or("");
    if (!required_shop.empty() && !event.shop.empty() && event.shop != required_shop) {
      reader.add_error(ErrorCode::event_shop_mismatch,
                       "event names shop \"" + event.shop + "\" but was sent to shop \"" +
                           std::string(required_shop) + "\"",
                       "/shop");
    }
  } else {
    event.shop = std::string(required_shop.empty() ? default_shop : required_shop);
  }
  if (event.type != EventType::guest_order_placed) {
    event.member = read_id(reader, "member", true).value_or("");
  } else if (reader.has("member")) {
    reader.add_error(ErrorCode::field_unknown,
                     "a guest order has no member: send a member's order as order.placed",
                     "/member");
  }
  if (const auto occurred = reader.string("occurred_at", true, 64)) {
    auto at = core::parse_rfc3339(*occurred);
    if (at.ok()) {
      event.occurred_at = *at;
    } else {
      reader.add_error(ErrorCode::timestamp_invalid, "occurred_at: " + at.error().message,
                       "/occurred_at");
    }
  }
  const bool has_data = reader.has("data");
  const auto data_object = reader.object("data", false);
  const bool needs_data =
      event.type != EventType::member_enrolled && event.type != EventType::member_updated &&
      event.type != EventType::profile_completed && event.type != EventType::custom &&
      event.type != EventType::referral_approved && event.type != EventType::referral_rejected &&
      event.type != EventType::membership_cancelled && event.type != EventType::membership_expired;
  // Events whose data may be left out still carry their (empty) data.
  if (event.type == EventType::profile_completed) event.data = ProfileCompleted{};
  if (event.type == EventType::member_enrolled || event.type == EventType::member_updated) {
    event.data = MemberChange{};
  }
  if (event.type == EventType::referral_approved || event.type == EventType::referral_rejected) {
    event.data = ReferralReviewed{};
  }
  if (event.type == EventType::membership_cancelled ||
      event.type == EventType::membership_expired) {
    event.data = MembershipChange{};
  }
  if (!has_data && needs_data && !event.type_name.empty()) {
    reader.add_error(ErrorCode::field_missing, "data is required for " + event.type_name, "/data");
  }
  if (data_object) {
    ObjectReader data_reader(*data_object, "/data", errors);
    switch (event.type) {
      case EventType::member_enrolled:
      case EventType::member_updated:
        event.data = parse_member_change(data_reader);
        break;
      case EventType::order_placed:
        event.data = parse_order_placed(data_reader);
        break;
      case EventType::guest_order_placed:
        event.data = GuestOrderPlaced{parse_order_placed(data_reader)};
        break;
      case EventType::order_cancelled:
        event.data = OrderCancelled{read_id(data_reader, "order_id", true).value_or("")};
        break;
      case EventType::order_refunded:
        event.data = parse_order_refunded(data_reader);
        break;
      case EventType::points_adjusted: {
        PointsAdjusted adjusted;
        adjusted.points = read_points(data_reader, true).value_or(0);
        adjusted.reason = std::string(data_reader.string("reason", true, 500).value_or(""));
        adjusted.actor = std::string(data_reader.string("actor", false, 128).value_or(""));
        event.data = adjusted;
        break;
      }
      case EventType::points_spent: {
        PointsSpent spent;
        spent.points = read_points(data_reader, false).value_or(0);
        spent.reason = std::string(data_reader.string("reason", false, 500).value_or(""));
        if (data_reader.has("order_id")) {
          spent.order_id = read_id(data_reader, "order_id", true).value_or("");
        }
        event.data = spent;
        break;
      }
      case EventType::review_posted:
        event.data = parse_review_posted(data_reader);
        break;
      case EventType::social_followed:
        event.data = parse_social_followed(data_reader);
        break;
      case EventType::profile_completed:
        break;
      case EventType::survey_answered:
        event.data = parse_survey_answered(data_reader);
        break;
      case EventType::support_ticket_opened: {
        SupportTicketOpened ticket;
        ticket.ticket_id = read_id(data_reader, "ticket_id", true).value_or("");
        ticket.topic = std::string(data_reader.string("topic", false, 200).value_or(""));
        event.data = ticket;
        break;
      }
      case EventType::reward_redeemed: {
        RewardRedeemed redeemed;
        redeemed.reward = read_id(data_reader, "reward", true).value_or("");
        redeemed.code = read_code(data_reader);
        event.data = redeemed;
        break;
      }
      case EventType::reward_used: {
        RewardUsed used;
        used.code = read_code(data_reader);
        if (data_reader.has("order_id")) {
          used.order_id = read_id(data_reader, "order_id", true).value_or("");
        }
        event.data = used;
        break;
      }
      case EventType::reward_cancelled: {
        RewardCancelled cancelled;
        cancelled.code = read_code(data_reader);
        cancelled.reason = std::string(data_reader.string("reason", false, 500).value_or(""));
        event.data = cancelled;
        break;
      }
      case EventType::referral_approved:
      case EventType::referral_rejected:
        event.data =
            ReferralReviewed{std::string(data_reader.string("reason", false, 500).value_or(""))};
        break;
      case EventType::membership_started:
      case EventType::membership_renewed:
      case EventType::membership_cancelled:
      case EventType::membership_expired: {
        MembershipChange change;
        const bool starts = event.type == EventType::membership_started;
        const bool renews = event.type == EventType::membership_renewed;
        if (starts || data_reader.has("plan")) {
          change.plan = read_id(data_reader, "plan", true).value_or("");
        }
        if (starts || renews) {
          if (const auto until = data_reader.string("until", true, 64)) {
            auto at = core::parse_rfc3339(*until);
            if (at.ok()) {
              change.until = *at;
            } else {
              data_reader.add_error(ErrorCode::timestamp_invalid, "until: " + at.error().message,
                                    data_reader.pointer("until"));
            }
          }
        }
        change.reason = std::string(data_reader.string("reason", false, 500).value_or(""));
        event.data = change;
        break;
      }
      case EventType::custom:
        break;
    }
  }
  std::string identity;
  if (auto* change = std::get_if<MemberChange>(&event.data); change != nullptr && hasher) {
    if (!change->identity.empty()) {
      errors.push_back(core::make_error(ErrorCode::value_not_allowed,
                                        "identity is written by Fidelis from email, phone and "
                                        "address: do not send it",
                                        "/data/identity"));
    }
    change->identity.clear();
    const std::string values[] = {change->email ? normalized_email(*change->email) : "",
                                  change->phone ? normalized_phone(*change->phone) : "",
                                  change->address ? normalized_address(*change->address) : ""};
    for (const std::string& value : values) {
      if (value.empty() || !errors.empty()) continue;
      std::string digest = hasher(event.shop, value);
      if (digest.empty()) continue;
      identity += (identity.empty() ? "" : " ") + digest;
      change->identity.push_back(std::move(digest));
    }
  }
  if (!errors.empty()) return errors;
  if (stored) {
    event.body = std::string(text);
  } else {
    FIDELIS_CHECK(write_bodies(root, event.shop, identity, event));
  }
  return event;
}

}  // namespace

core::Result<Event> parse_event(core::JsonParser& parser, std::string_view text,
                                std::string_view default_shop, std::string_view required_shop,
                                const IdentityHasher& hasher) {
  return read_event(parser, text, default_shop, required_shop, hasher, false);
}

core::Result<Event> parse_stored_event(core::JsonParser& parser, std::string_view body,
                                       std::string_view shop) {
  return read_event(parser, body, shop, {}, {}, true);
}

std::string normalized_email(std::string_view email) {
  std::string text;
  for (const char c : email) {
    if (c != ' ' && c != '\t')
      text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  const auto at = text.rfind('@');
  if (at == std::string::npos || at == 0) return "";
  std::string local = text.substr(0, at);
  const std::string domain = text.substr(at + 1);
  local = local.substr(0, local.find('+'));  // "a+shop@x" reaches "a@x"
  if (domain == "gmail.com" || domain == "googlemail.com") {
    std::erase(local, '.');  // Gmail ignores dots
  }
  if (local.empty() || domain.empty()) return "";
  return "email:" + local + "@" + (domain == "googlemail.com" ? "gmail.com" : domain);
}

std::string normalized_phone(std::string_view phone) {
  std::string digits;
  for (const char c : phone) {
    if (c >= '0' && c <= '9') digits += c;
  }
  // The last 9 digits: "+33 6 12 34 56 78" and "06 12 34 56 78" are one number.
  if (digits.size() < 6) return "";
  if (digits.size() > 9) digits = digits.substr(digits.size() - 9);
  return "phone:" + digits;
}

std::string normalized_address(std::string_view address) {
  std::string text;
  for (const char c : address) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) text += static_cast<char>(std::tolower(u));
  }
  if (text.size() < 6) return "";
  return "address:" + text;
}

}  // namespace fidelis::domain
