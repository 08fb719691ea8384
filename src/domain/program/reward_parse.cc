// read_reward(): one entry of the reward catalogue, checked field by field.
#include "domain/program/parse_helpers.h"

namespace fidelis::domain {

std::string_view reward_kind_name(RewardKind kind) {
  switch (kind) {
    case RewardKind::fixed_discount:
      return "fixed_discount";
    case RewardKind::percent_discount:
      return "percent_discount";
    case RewardKind::free_shipping:
      return "free_shipping";
    case RewardKind::free_product:
      return "free_product";
    case RewardKind::access:
      return "access";
    case RewardKind::partner:
      return "partner";
    case RewardKind::donation:
      return "donation";
    case RewardKind::store_credit:
      return "store_credit";
  }
  return "unknown";
}

namespace {

bool takes_amount(RewardKind kind) {
  return kind == RewardKind::fixed_discount || kind == RewardKind::donation ||
         kind == RewardKind::store_credit;
}

// The field that names what the reward is about, for the kinds that have one.
std::string_view target_field(RewardKind kind) {
  switch (kind) {
    case RewardKind::free_product:
      return "sku";
    case RewardKind::partner:
      return "partner";
    case RewardKind::donation:
      return "charity";
    default:
      return "";
  }
}

}  // namespace

std::optional<core::Money> read_money(ObjectReader& reader) {
  const auto text = reader.string("amount", true, 40);
  const auto code = reader.string("currency", true, 8);
  if (!text || !code) return std::nullopt;
  const auto currency = core::find_currency(*code);
  if (!currency) {
    reader.add_error(ErrorCode::currency_unknown,
                     "\"" + std::string(*code) + "\" is not an ISO 4217 code Fidelis knows",
                     reader.pointer("currency"));
    return std::nullopt;
  }
  auto minor = core::parse_amount(*text, *currency);
  if (!minor.ok()) {
    reader.add_error(minor.error().code, "amount: " + minor.error().message,
                     reader.pointer("amount"));
    return std::nullopt;
  }
  if (*minor == 0) {
    reader.add_error(ErrorCode::value_out_of_range, "amount must be more than zero",
                     reader.pointer("amount"));
    return std::nullopt;
  }
  return core::Money{*minor, *currency};
}

Reward read_reward(ObjectReader& reader, std::string id) {
  reader.reject_unknown({"kind", "name", "points", "amount", "currency", "percent", "sku",
                         "partner", "charity", "valid_days", "stock", "per_member", "expired_code",
                         "min_tier", "terms"});
  Reward reward;
  reward.id = std::move(id);
  reward.name = std::string(reader.string("name", true, 200).value_or(""));
  const auto kind = read_choice<RewardKind>(reader, "kind",
                                            {{"fixed_discount", RewardKind::fixed_discount},
                                             {"percent_discount", RewardKind::percent_discount},
                                             {"free_shipping", RewardKind::free_shipping},
                                             {"free_product", RewardKind::free_product},
                                             {"access", RewardKind::access},
                                             {"partner", RewardKind::partner},
                                             {"donation", RewardKind::donation},
                                             {"store_credit", RewardKind::store_credit}});
  if (!kind && !reader.has("kind")) {
    reader.add_error(ErrorCode::field_missing, "kind is required", reader.pointer("kind"));
  }
  reward.kind = kind.value_or(RewardKind::access);
  if (!reader.has("points")) {
    reader.add_error(ErrorCode::field_missing, "points (the cost) is required",
                     reader.pointer("points"));
  }
  reward.points = read_bounded(reader, "points", 1, kPointsMax).value_or(0);

  // Each kind takes exactly the fields that describe it.
  if (kind) {
    if (takes_amount(*kind)) {
      reward.amount = read_money(reader);
    } else {
      for (const std::string_view key : {"amount", "currency"}) {
        if (reader.has(key)) {
          reader.add_error(
              ErrorCode::value_not_allowed,
              std::string(key) + " does not apply to kind " + std::string(reward_kind_name(*kind)),
              reader.pointer(key));
        }
      }
    }
    if (*kind == RewardKind::percent_discount) {
      if (!reader.has("percent")) {
        reader.add_error(ErrorCode::field_missing, "percent is required",
                         reader.pointer("percent"));
      }
      reward.percent = static_cast<int>(read_bounded(reader, "percent", 1, 100).value_or(0));
    } else if (reader.has("percent")) {
      reader.add_error(ErrorCode::value_not_allowed, "percent applies to percent_discount only",
                       reader.pointer("percent"));
    }
    const std::string_view wanted = target_field(*kind);
    for (const std::string_view key : {"sku", "partner", "charity"}) {
      if (key == wanted) {
        reward.target = std::string(reader.string(key, true, 200).value_or(""));
      } else if (reader.has(key)) {
        reader.add_error(
            ErrorCode::value_not_allowed,
            std::string(key) + " does not apply to kind " + std::string(reward_kind_name(*kind)),
            reader.pointer(key));
      }
    }
  }
  reward.valid_days = static_cast<int>(read_bounded(reader, "valid_days", 1, 3660).value_or(0));
  reward.stock = read_bounded(reader, "stock", 0, 1'000'000'000);
  reward.per_member = read_bounded(reader, "per_member", 1, 1'000'000);
  reward.return_on_expiry =
      read_choice<bool>(reader, "expired_code", {{"return_points", true}, {"keep_points", false}})
          .value_or(true);
  if (reader.has("expired_code") && !reader.has("valid_days")) {
    reader.add_error(ErrorCode::value_not_allowed,
                     "expired_code needs valid_days (a code without validity never expires)",
                     reader.pointer("expired_code"));
  }
  reward.min_tier = std::string(reader.string("min_tier", false, kIdLengthMax).value_or(""));
  // Members must be able to read what they get and on what terms (fair play, seed 003).
  reward.terms = std::string(reader.string("terms", true, 1000).value_or(""));
  return reward;
}

}  // namespace fidelis::domain
