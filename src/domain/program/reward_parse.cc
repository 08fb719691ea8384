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

std::optional<std::int64_t> read_money_in(ObjectReader& reader, std::string_view key,
                                          const std::optional<core::Currency>& currency) {
  const auto text = reader.string(key, false, 40);
  if (!text || !currency) return std::nullopt;
  auto minor = core::parse_amount(*text, *currency);
  if (!minor.ok()) {
    reader.add_error(minor.error().code, std::string(key) + ": " + minor.error().message,
                     reader.pointer(key));
    return std::nullopt;
  }
  return *minor;
}

Reward read_reward(ObjectReader& reader, std::string id,
                   const std::optional<core::Currency>& credit_currency) {
  reader.reject_unknown({"kind", "name", "points", "amount", "currency", "percent", "sku",
                         "partner", "charity", "valid_days", "stock", "per_member", "expired_code",
                         "min_tier", "segments", "credit_cost", "terms"});
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
  // The cost: points, or store credit from cashback.
  if (reader.has("points") == reader.has("credit_cost")) {
    reader.add_error(ErrorCode::field_missing,
                     "the cost is required: points, or credit_cost (store credit), not both",
                     reader.pointer("points"));
  }
  reward.points = read_bounded(reader, "points", 1, kPointsMax).value_or(0);
  if (reader.has("credit_cost")) {
    if (!credit_currency) {
      reader.add_error(ErrorCode::value_not_allowed,
                       "credit_cost needs \"cashback\" (the store credit's currency)",
                       reader.pointer("credit_cost"));
    }
    reward.credit_cost = read_money_in(reader, "credit_cost", credit_currency).value_or(0);
    if (credit_currency && reward.credit_cost <= 0) {
      reader.add_error(ErrorCode::value_out_of_range, "credit_cost must be more than zero",
                       reader.pointer("credit_cost"));
    }
  }

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
  reward.segments = read_id_list(reader, "segments");
  // Members must be able to read what they get and on what terms (fair play, seed 003).
  reward.terms = std::string(reader.string("terms", true, 1000).value_or(""));
  return reward;
}

std::optional<Cashback> read_cashback(ObjectReader& root) {
  const auto object = root.object("cashback", false);
  if (!object) return std::nullopt;
  ObjectReader reader(*object, "/cashback", root.errors());
  reader.reject_unknown({"percent", "currency", "terms"});
  Cashback out;
  const auto code = reader.string("currency", true, 8);
  const auto currency = code ? core::find_currency(*code) : std::nullopt;
  if (code && !currency) {
    reader.add_error(ErrorCode::currency_unknown,
                     "\"" + std::string(*code) + "\" is not an ISO 4217 code Fidelis knows",
                     reader.pointer("currency"));
  }
  // The percentage, exactly: up to two decimals ("2.5" is 250 basis points).
  const core::Currency hundredths{{'X', 'X', 'X', 0}, 2};
  if (const auto percent = read_money_in(reader, "percent", hundredths)) {
    if (*percent <= 0 || *percent > 100 * 100) {
      reader.add_error(ErrorCode::value_out_of_range, "percent must be more than 0, at most 100",
                       reader.pointer("percent"));
    }
    out.basis_points = *percent;
  } else if (!reader.has("percent")) {
    reader.add_error(ErrorCode::field_missing, "percent is required", reader.pointer("percent"));
  }
  out.currency = currency.value_or(core::Currency{});
  out.terms = std::string(reader.string("terms", true, 1000).value_or(""));
  if (!currency) return std::nullopt;
  return out;
}

}  // namespace fidelis::domain
