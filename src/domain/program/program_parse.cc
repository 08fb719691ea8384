// parse_program(): strict parsing of the program definition (unknown fields are errors, so that
// a typo never silently changes the rules).
#include <algorithm>
#include <array>

#include "domain/event/event.h"
#include "domain/program/parse_helpers.h"
#include "domain/program/program.h"

namespace fidelis::domain {

std::optional<std::int64_t> read_bounded(ObjectReader& reader, std::string_view key,
                                         std::int64_t low, std::int64_t high) {
  const auto number = reader.integer(key, false);
  if (!number) return std::nullopt;
  if (*number < low || *number > high) {
    reader.add_error(
        ErrorCode::value_out_of_range,
        std::string(key) + " must be from " + std::to_string(low) + " to " + std::to_string(high),
        reader.pointer(key));
    return std::nullopt;
  }
  return number;
}

std::optional<core::Timestamp> read_time(ObjectReader& reader, std::string_view key) {
  const auto text = reader.string(key, false, 64);
  if (!text) return std::nullopt;
  auto at = core::parse_rfc3339(*text);
  if (!at.ok()) {
    reader.add_error(ErrorCode::timestamp_invalid, std::string(key) + ": " + at.error().message,
                     reader.pointer(key));
    return std::nullopt;
  }
  return *at;
}

std::string read_badge(ObjectReader& reader) {
  if (!reader.has("badge")) return "";
  const auto badge = reader.string("badge", true, 64);
  if (badge && !is_valid_id(*badge)) {
    reader.add_error(ErrorCode::id_invalid, "badge is an id (printable ASCII)",
                     reader.pointer("badge"));
  }
  return std::string(badge.value_or(""));
}

// `from` and `until`: the window [from, until) of events that count.
void read_window(ObjectReader& reader, std::optional<core::Timestamp>& from,
                 std::optional<core::Timestamp>& until) {
  from = read_time(reader, "from");
  until = read_time(reader, "until");
  if (from && until && *until <= *from) {
    reader.add_error(ErrorCode::value_out_of_range, "until must be after from",
                     reader.pointer("until"));
  }
}

namespace {

// "1.5" -> 1'500'000. At most six decimals, at most 1000.
std::optional<std::int64_t> parse_multiplier(std::string_view text) {
  const core::Currency six_decimals{{'X', 'X', 'X', 0}, 6};
  auto scaled = core::parse_amount(text, six_decimals);
  if (!scaled.ok() || *scaled > 1000 * kMultiplierScale) return std::nullopt;
  return *scaled;
}

void read_multipliers(ObjectReader& parent, std::string_view key,
                      std::map<std::string, std::int64_t, std::less<>>& out) {
  const auto object = parent.object(key, false);
  if (!object) return;
  const std::string pointer = parent.pointer(key);
  for (const auto field : *object) {
    std::string_view text;
    const std::string field_pointer = core::json_pointer_child(pointer, field.key);
    if (field.value.get_string().get(text) != simdjson::SUCCESS) {
      parent.add_error(ErrorCode::field_wrong_type,
                       "a multiplier is a decimal string such as \"1.5\"", field_pointer);
      continue;
    }
    const auto multiplier = parse_multiplier(text);
    if (!multiplier) {
      parent.add_error(ErrorCode::value_out_of_range,
                       "multiplier \"" + std::string(text) +
                           "\" must be a decimal from 0 to 1000 with at most 6 decimals",
                       field_pointer);
      continue;
    }
    out.emplace(std::string(field.key), *multiplier);
  }
}

void read_rates(ObjectReader& earning, Earning& out) {
  const auto rates = earning.object("rates", true);
  if (!rates) return;
  const std::string pointer = earning.pointer("rates");
  for (const auto field : *rates) {
    const std::string field_pointer = core::json_pointer_child(pointer, field.key);
    simdjson::dom::object rate_object;
    if (field.value.get_object().get(rate_object) != simdjson::SUCCESS) {
      earning.add_error(ErrorCode::field_wrong_type,
                        "a rate is an object such as {\"points\": 1, \"per\": \"1.00\"}",
                        field_pointer);
      continue;
    }
    ObjectReader reader(rate_object, field_pointer, earning.errors());
    reader.reject_unknown({"points", "per"});
    EarnRate rate;
    rate.currency = std::string(field.key);
    std::optional<core::Currency> currency;
    if (rate.currency != "*") {
      currency = core::find_currency(rate.currency);
      if (!currency) {
        earning.add_error(ErrorCode::currency_unknown,
                          "\"" + rate.currency + "\" is neither an ISO 4217 code nor \"*\"",
                          field_pointer);
        continue;
      }
    }
    const auto points = reader.integer("points", true);
    if (points && (*points < 1 || *points > 1'000'000)) {
      reader.add_error(ErrorCode::value_out_of_range, "points must be from 1 to 1000000",
                       reader.pointer("points"));
    }
    if (points) rate.points = *points;
    if (const auto per = reader.string("per", true, 40)) {
      rate.per = std::string(*per);
      // "*" rates are whole major units so that they read the same in every currency.
      const core::Currency check = currency.value_or(core::Currency{{'X', 'X', 'X', 0}, 0});
      auto per_minor = core::parse_amount(*per, check);
      if (!per_minor.ok()) {
        reader.add_error(per_minor.error().code,
                         "per: " + per_minor.error().message +
                             (currency ? "" : " (a \"*\" rate takes whole units, such as \"1\")"),
                         reader.pointer("per"));
      } else if (*per_minor == 0) {
        reader.add_error(ErrorCode::value_out_of_range, "per must be more than zero",
                         reader.pointer("per"));
      }
    }
    out.rates.push_back(std::move(rate));
  }
  if (out.rates.empty()) {
    earning.add_error(ErrorCode::field_missing, "rates needs at least one currency", pointer);
  }
}

void read_earning(ObjectReader& root, Program& program) {
  const auto object = root.object("earning", true);
  if (!object) return;
  ObjectReader earning(*object, root.pointer("earning"), root.errors());
  earning.reject_unknown(
      {"base", "include_shipping", "include_tax", "rates", "rounding", "multipliers", "caps"});
  Earning& out = program.earning;
  out.base = read_choice<EarnBase>(
                 earning, "base",
                 {{"net_merchandise", EarnBase::net_merchandise}, {"margin", EarnBase::margin}})
                 .value_or(EarnBase::net_merchandise);
  out.include_shipping = earning.boolean("include_shipping", false).value_or(false);
  out.include_tax = earning.boolean("include_tax", false).value_or(false);
  out.rounding =
      read_choice<Rounding>(
          earning, "rounding",
          {{"down", Rounding::down}, {"nearest", Rounding::nearest}, {"up", Rounding::up}})
          .value_or(Rounding::down);
  read_rates(earning, out);
  if (const auto multipliers = earning.object("multipliers", false)) {
    ObjectReader reader(*multipliers, earning.pointer("multipliers"), root.errors());
    reader.reject_unknown({"categories", "skus"});
    read_multipliers(reader, "categories", out.category_multipliers);
    read_multipliers(reader, "skus", out.sku_multipliers);
  }
  if (const auto caps = earning.object("caps", false)) {
    ObjectReader reader(*caps, earning.pointer("caps"), root.errors());
    reader.reject_unknown({"per_day", "per_month"});
    out.cap_per_day = read_bounded(reader, "per_day", 0, kPointsMax);
    out.cap_per_month = read_bounded(reader, "per_month", 0, kPointsMax);
  }
}

void read_expiry(ObjectReader& root, Program& program) {
  const auto object = root.object("expiry", false);
  if (!object) return;
  ObjectReader expiry(*object, root.pointer("expiry"), root.errors());
  expiry.reject_unknown(
      {"mode", "after_days", "after_months", "round_to_month_end", "activity", "notice_days"});
  Expiry& out = program.expiry;
  const auto mode = read_choice<ExpiryMode>(expiry, "mode",
                                            {{"none", ExpiryMode::none},
                                             {"lot", ExpiryMode::lot},
                                             {"inactivity", ExpiryMode::inactivity}});
  if (!mode) {
    if (!expiry.has("mode"))
      expiry.add_error(ErrorCode::field_missing, "mode is required", expiry.pointer("mode"));
    return;
  }
  out.mode = *mode;
  out.after_days = static_cast<int>(read_bounded(expiry, "after_days", 1, 3660).value_or(0));
  out.after_months = static_cast<int>(read_bounded(expiry, "after_months", 1, 120).value_or(0));
  out.round_to_month_end = expiry.boolean("round_to_month_end", false).value_or(false);
  out.notice_days = read_bounded(expiry, "notice_days", 1, 365);
  if (out.mode == ExpiryMode::lot) {
    if (!expiry.has("after_days") && !expiry.has("after_months")) {
      expiry.add_error(ErrorCode::field_missing, "lot expiry needs after_days or after_months",
                       expiry.self_pointer());
    } else if (expiry.has("after_days") && expiry.has("after_months")) {
      expiry.add_error(ErrorCode::value_not_allowed, "give after_days or after_months, not both",
                       expiry.pointer("after_days"));
    }
  }
  if (out.mode == ExpiryMode::inactivity) {
    if (!expiry.has("after_months")) {
      expiry.add_error(ErrorCode::field_missing, "inactivity expiry needs after_months",
                       expiry.pointer("after_months"));
    }
    if (expiry.has("after_days")) {
      expiry.add_error(ErrorCode::value_not_allowed,
                       "inactivity is counted in months (after_months)",
                       expiry.pointer("after_days"));
    }
  }
  if (out.mode == ExpiryMode::none && (expiry.has("after_days") || expiry.has("after_months"))) {
    expiry.add_error(ErrorCode::value_not_allowed, "mode none takes no lifetime",
                     expiry.self_pointer());
  }
  if (const auto activity = expiry.array("activity", false)) {
    out.activity.clear();
    std::size_t index = 0;
    for (const auto element : *activity) {
      const std::string pointer = core::json_pointer_index(expiry.pointer("activity"), index++);
      std::string_view type;
      if (element.get_string().get(type) != simdjson::SUCCESS || !find_event_type(type)) {
        expiry.add_error(ErrorCode::value_not_allowed, "activity lists event types", pointer);
        continue;
      }
      out.activity.emplace_back(type);
    }
  }
}

// Event types an action rule may name (custom.* as well).
bool action_event_allowed(std::string_view type) {
  static constexpr std::array<std::string_view, 5> kTypes = {"member.enrolled", "review.posted",
                                                             "social.followed", "profile.completed",
                                                             "survey.answered"};
  return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end() ||
         (type.size() > 7 && type.substr(0, 7) == "custom.");
}

// `on` of an action rule or a mission: an action event type or custom.*.
std::string read_counted_type(ObjectReader& reader) {
  const auto on = reader.string("on", true, 128);
  if (!on) return {};
  if (!action_event_allowed(*on)) {
    reader.add_error(ErrorCode::value_not_allowed,
                     "on must be member.enrolled, review.posted, social.followed, "
                     "profile.completed, survey.answered or a custom.* type (missions also "
                     "take order.placed)",
                     reader.pointer("on"));
  }
  return std::string(*on);
}

// `network`: only for rules counting social.followed.
std::string read_network(ObjectReader& reader, const std::string& on) {
  if (!reader.has("network")) return {};
  if (on != "social.followed") {
    reader.add_error(ErrorCode::value_not_allowed, "network applies to social.followed only",
                     reader.pointer("network"));
  }
  return std::string(reader.string("network", true, 40).value_or(""));
}

ActionRule read_action(ObjectReader& reader, std::string id) {
  reader.reject_unknown({"on", "points", "photo_bonus", "network", "repeat", "cooldown_days",
                         "max_per_member", "per_month", "from", "until", "terms"});
  ActionRule rule;
  rule.id = std::move(id);
  rule.on = read_counted_type(reader);
  if (!reader.has("points")) {
    reader.add_error(ErrorCode::field_missing, "points is required", reader.pointer("points"));
  }
  rule.points = read_bounded(reader, "points", 1, 1'000'000).value_or(0);
  rule.photo_bonus = read_bounded(reader, "photo_bonus", 1, 1'000'000).value_or(0);
  if (reader.has("photo_bonus") && rule.on != "review.posted") {
    reader.add_error(ErrorCode::value_not_allowed, "photo_bonus applies to review.posted only",
                     reader.pointer("photo_bonus"));
  }
  rule.network = read_network(reader, rule.on);
  rule.repeat = reader.boolean("repeat", false).value_or(false);
  rule.cooldown_days = static_cast<int>(read_bounded(reader, "cooldown_days", 0, 3660).value_or(0));
  rule.max_per_member = read_bounded(reader, "max_per_member", 1, 1'000'000);
  rule.per_month = read_bounded(reader, "per_month", 1, 1'000'000);
  if (!rule.repeat) {
    for (const std::string_view key : {"cooldown_days", "max_per_member", "per_month"}) {
      if (reader.has(key)) {
        reader.add_error(
            ErrorCode::value_not_allowed,
            std::string(key) + " needs \"repeat\": true (a rule without it earns once)",
            reader.pointer(key));
      }
    }
  }
  read_window(reader, rule.from, rule.until);
  // Members must be able to read what earns what (fair play, seed 003).
  rule.terms = std::string(reader.string("terms", true, 1000).value_or(""));
  return rule;
}

Mission read_mission(ObjectReader& reader, std::string id) {
  reader.reject_unknown(
      {"on", "network", "target", "points", "badge", "recurring", "from", "until", "terms"});
  Mission mission;
  mission.id = std::move(id);
  // Orders count too, once their return window has passed (apply.cc count_released_order).
  if (reader.string("on", false, 128) == std::optional<std::string_view>("order.placed")) {
    mission.on = "order.placed";
  } else {
    mission.on = read_counted_type(reader);
  }
  mission.network = read_network(reader, mission.on);
  if (!reader.has("target")) {
    reader.add_error(ErrorCode::field_missing, "target is required", reader.pointer("target"));
  }
  mission.target = read_bounded(reader, "target", 1, 1000).value_or(1);
  mission.points = read_bounded(reader, "points", 1, 1'000'000).value_or(0);
  mission.badge = read_badge(reader);
  if (!reader.has("points") && !reader.has("badge")) {
    reader.add_error(ErrorCode::field_missing, "a mission rewards points, a badge or both",
                     reader.self_pointer());
  }
  mission.monthly =
      read_choice<bool>(reader, "recurring", {{"none", false}, {"month", true}}).value_or(false);
  read_window(reader, mission.from, mission.until);
  mission.terms = std::string(reader.string("terms", true, 1000).value_or(""));
  return mission;
}

}  // namespace

const EarnRate* Program::rate_for(std::string_view currency) const {
  const EarnRate* wildcard = nullptr;
  for (const auto& rate : earning.rates) {
    if (rate.currency == currency) return &rate;
    if (rate.currency == "*") wildcard = &rate;
  }
  return wildcard;
}

std::optional<core::Timestamp> Program::lot_expiry(core::Timestamp available_at) const {
  if (expiry.mode != ExpiryMode::lot) return std::nullopt;
  core::Timestamp at = expiry.after_days > 0 ? core::add_days(available_at, expiry.after_days)
                                             : core::add_months(available_at, expiry.after_months);
  if (expiry.round_to_month_end) at = core::start_of_next_month(at);
  return at;
}

bool Program::counts_as_activity(std::string_view event_type) const {
  return std::find(expiry.activity.begin(), expiry.activity.end(), event_type) !=
         expiry.activity.end();
}

const Reward* Program::reward(std::string_view id) const {
  auto it = std::lower_bound(
      rewards.begin(), rewards.end(), id,
      [](const Reward& reward, std::string_view wanted) { return reward.id < wanted; });
  return it != rewards.end() && it->id == id ? &*it : nullptr;
}

std::optional<std::pair<core::Money, Points>> Program::best_reward_rate() const {
  std::optional<std::pair<core::Money, Points>> best;
  for (const auto& reward : rewards) {
    if (!reward.amount || reward.points == 0) continue;  // no amount, or paid in store credit
    if (!best || (best->first.currency == reward.amount->currency &&
                  static_cast<Wide>(reward.amount->minor) * best->second >
                      static_cast<Wide>(best->first.minor) * reward.points)) {
      best = std::pair{*reward.amount, reward.points};
    }
  }
  return best;
}

std::optional<core::Money> Program::value_of(Points points) const {
  const auto rate = best_reward_rate();
  if (!rate) return std::nullopt;
  return core::Money{
      static_cast<std::int64_t>(static_cast<Wide>(points) * rate->first.minor / rate->second),
      rate->first.currency};
}

const Segment* Program::segment(std::string_view id) const {
  auto it = std::lower_bound(
      segments.begin(), segments.end(), id,
      [](const Segment& segment, std::string_view wanted) { return segment.id < wanted; });
  return it != segments.end() && it->id == id ? &*it : nullptr;
}

core::Result<Program> parse_program(core::JsonParser& parser, std::string_view text) {
  FIDELIS_TRY(const simdjson::dom::object root, parser.parse_object(text));
  core::Errors errors;
  ObjectReader reader(root, "", errors);
  reader.reject_unknown({"name", "description", "earning", "pending", "refunds", "expiry",
                         "actions", "missions", "rewards", "tiers", "referrals", "memberships",
                         "milestones", "cashback", "leaderboard", "segments"});
  Program program;
  program.name = std::string(reader.string("name", true, 200).value_or(""));
  (void)reader.string("description", false, 4000);
  read_earning(reader, program);
  if (const auto pending = reader.object("pending", false)) {
    ObjectReader pending_reader(*pending, "/pending", errors);
    pending_reader.reject_unknown({"days"});
    program.pending_days =
        static_cast<int>(read_bounded(pending_reader, "days", 0, 365).value_or(0));
  }
  if (const auto refunds = reader.object("refunds", false)) {
    ObjectReader refunds_reader(*refunds, "/refunds", errors);
    refunds_reader.reject_unknown({"shortfall"});
    program.shortfall =
        read_choice<Shortfall>(refunds_reader, "shortfall",
                               {{"debt", Shortfall::debt}, {"clamp", Shortfall::clamp}})
            .value_or(Shortfall::debt);
  }
  read_expiry(reader, program);
  read_rules(reader, "actions", program.actions, read_action);
  read_rules(reader, "missions", program.missions, read_mission);
  read_tiers(reader, program);
  if (const auto referrals = reader.object("referrals", false)) {
    ObjectReader r(*referrals, "/referrals", errors);
    r.reject_unknown({"referrer_points", "referee_points", "max_per_month", "terms"});
    Referrals out;
    out.referrer_points = read_bounded(r, "referrer_points", 0, 1'000'000).value_or(0);
    out.referee_points = read_bounded(r, "referee_points", 0, 1'000'000).value_or(0);
    if (out.referrer_points + out.referee_points == 0) {
      r.add_error(ErrorCode::field_missing, "referrer_points or referee_points is required",
                  r.self_pointer());
    }
    out.max_per_month = read_bounded(r, "max_per_month", 1, 10'000);
    out.terms = std::string(r.string("terms", true, 1000).value_or(""));
    program.referrals = std::move(out);
  }
  program.cashback = read_cashback(reader);
  std::optional<core::Currency> credit_currency;
  if (program.cashback) credit_currency = program.cashback->currency;
  read_rules(reader, "rewards", program.rewards, [&](ObjectReader& r, std::string id) {
    return read_reward(r, std::move(id), credit_currency);
  });
  read_milestones(reader, program);
  read_leaderboard(reader, program);
  read_rules(reader, "memberships", program.memberships, [](ObjectReader& r, std::string id) {
    r.reject_unknown({"name", "level", "terms"});
    MembershipPlan plan;
    plan.id = std::move(id);
    plan.name = std::string(r.string("name", true, 200).value_or(""));
    plan.level = std::string(r.string("level", true, kIdLengthMax).value_or(""));
    plan.terms = std::string(r.string("terms", true, 1000).value_or(""));
    return plan;
  });
  for (const MembershipPlan& plan : program.memberships) {
    if (!plan.level.empty() && (!program.tiers || program.tiers->index_of(plan.level) < 0)) {
      errors.push_back(core::make_error(
          ErrorCode::value_not_allowed, "level \"" + plan.level + "\" is not a level of \"tiers\"",
          core::json_pointer_child(core::json_pointer_child("/memberships", plan.id), "level")));
    }
  }
  read_segments(reader, program);
  // A reward reserved to a tier must name one.
  for (const Reward& reward : program.rewards) {
    if (!reward.min_tier.empty() &&
        (!program.tiers || program.tiers->index_of(reward.min_tier) < 0)) {
      errors.push_back(core::make_error(
          ErrorCode::value_not_allowed,
          "min_tier \"" + reward.min_tier + "\" is not a level of \"tiers\"",
          core::json_pointer_child(core::json_pointer_child("/rewards", reward.id), "min_tier")));
    }
  }
  if (!errors.empty()) return errors;
  return program;
}

}  // namespace fidelis::domain
