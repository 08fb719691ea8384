// read_tiers(): the "tiers" object: measure, window, review, grace, and the ordered levels.
#include "domain/program/parse_helpers.h"

namespace fidelis::domain {
namespace {

void read_value_score(ObjectReader& tiers, Tiers& out) {
  const auto object = tiers.object("value_score", out.measure == TierMeasure::value_score);
  if (!object) return;
  ObjectReader reader(*object, tiers.pointer("value_score"), tiers.errors());
  reader.reject_unknown({"weights", "spend_target", "margin_target"});
  ValueScore& score = out.value_score;
  if (const auto weights = reader.object("weights", true)) {
    ObjectReader w(*weights, reader.pointer("weights"), reader.errors());
    w.reject_unknown({"spend", "margin", "regularity", "satisfaction", "returns"});
    score.spend = static_cast<int>(read_bounded(w, "spend", 0, 100).value_or(0));
    score.margin = static_cast<int>(read_bounded(w, "margin", 0, 100).value_or(0));
    score.regularity = static_cast<int>(read_bounded(w, "regularity", 0, 100).value_or(0));
    score.satisfaction = static_cast<int>(read_bounded(w, "satisfaction", 0, 100).value_or(0));
    score.returns = static_cast<int>(read_bounded(w, "returns", 0, 100).value_or(0));
    if (score.spend + score.margin + score.regularity + score.satisfaction + score.returns == 0) {
      w.add_error(ErrorCode::value_out_of_range, "at least one weight must be more than zero",
                  w.self_pointer());
    }
  }
  score.spend_target = read_money_in(reader, "spend_target", out.currency).value_or(0);
  score.margin_target = read_money_in(reader, "margin_target", out.currency).value_or(0);
  for (const auto& [key, weight, target] :
       {std::tuple{"spend_target", score.spend, score.spend_target},
        std::tuple{"margin_target", score.margin, score.margin_target}}) {
    if (weight > 0 && target <= 0) {
      reader.add_error(ErrorCode::field_missing,
                       std::string(key) + " (more than zero) is required when its weight is set",
                       reader.pointer(key));
    }
  }
}

TierLevel read_level(ObjectReader& reader, const Tiers& tiers) {
  reader.reject_unknown({"id", "name", "threshold", "secret", "earn_multiplier", "free_shipping",
                         "early_access", "priority_service", "terms"});
  TierLevel level;
  if (const auto id = reader.string("id", true, kIdLengthMax)) {
    if (!is_valid_id(*id)) {
      reader.add_error(ErrorCode::id_invalid, "id is 1-128 printable ASCII characters",
                       reader.pointer("id"));
    }
    level.id = std::string(*id);
  }
  level.name = std::string(reader.string("name", true, 200).value_or(""));
  if (!reader.has("threshold")) {
    reader.add_error(ErrorCode::field_missing, "threshold is required",
                     reader.pointer("threshold"));
  } else if (tiers.measure == TierMeasure::spend) {
    level.threshold = read_money_in(reader, "threshold", tiers.currency).value_or(0);
  } else {
    const std::int64_t high = tiers.measure == TierMeasure::value_score ? 100 : kPointsMax;
    level.threshold = read_bounded(reader, "threshold", 0, high).value_or(0);
  }
  level.secret = reader.boolean("secret", false).value_or(false);
  if (const auto text = reader.string("earn_multiplier", false, 20)) {
    const core::Currency six_decimals{{'X', 'X', 'X', 0}, 6};
    auto scaled = core::parse_amount(*text, six_decimals);
    if (!scaled.ok() || *scaled > 100 * kMultiplierScale) {
      reader.add_error(ErrorCode::value_out_of_range,
                       "earn_multiplier is a decimal string from 0 to 100 such as \"1.25\"",
                       reader.pointer("earn_multiplier"));
    } else {
      level.earn_multiplier = *scaled;
    }
  }
  level.free_shipping = reader.boolean("free_shipping", false).value_or(false);
  level.early_access = reader.boolean("early_access", false).value_or(false);
  level.priority_service = reader.boolean("priority_service", false).value_or(false);
  level.terms = std::string(reader.string("terms", true, 1000).value_or(""));
  return level;
}

}  // namespace

void read_tiers(ObjectReader& root, Program& program) {
  const auto object = root.object("tiers", false);
  if (!object) return;
  ObjectReader reader(*object, root.pointer("tiers"), root.errors());
  reader.reject_unknown({"measure", "currency", "window", "review", "grace_days", "downgrade",
                         "value_score", "levels"});
  Tiers tiers;
  const auto measure = read_choice<TierMeasure>(reader, "measure",
                                                {{"spend", TierMeasure::spend},
                                                 {"points", TierMeasure::points},
                                                 {"orders", TierMeasure::orders},
                                                 {"value_score", TierMeasure::value_score}});
  if (!measure && !reader.has("measure")) {
    reader.add_error(ErrorCode::field_missing, "measure is required", reader.pointer("measure"));
  }
  tiers.measure = measure.value_or(TierMeasure::points);
  const bool needs_currency =
      tiers.measure == TierMeasure::spend || tiers.measure == TierMeasure::value_score;
  if (const auto code = reader.string("currency", needs_currency, 8)) {
    tiers.currency = core::find_currency(*code);
    if (!tiers.currency) {
      reader.add_error(ErrorCode::currency_unknown,
                       "\"" + std::string(*code) + "\" is not an ISO 4217 code Fidelis knows",
                       reader.pointer("currency"));
    }
  }
  // The window: {"months": N} rolling (the current month and the N-1 before), or
  // {"calendar": "month|quarter|year"}.
  if (const auto window = reader.object("window", false)) {
    ObjectReader w(*window, reader.pointer("window"), reader.errors());
    w.reject_unknown({"months", "calendar"});
    if (w.has("months") == w.has("calendar")) {
      w.add_error(ErrorCode::value_not_allowed, "give months or calendar", w.self_pointer());
    }
    tiers.window_months = static_cast<int>(read_bounded(w, "months", 1, 36).value_or(12));
    tiers.calendar = read_choice<Period>(
        w, "calendar",
        {{"month", Period::month}, {"quarter", Period::quarter}, {"year", Period::year}});
  }
  // A calendar window is reviewed when its period ends; a rolling one every month by default.
  tiers.review =
      read_choice<Period>(
          reader, "review",
          {{"month", Period::month}, {"quarter", Period::quarter}, {"year", Period::year}})
          .value_or(tiers.calendar.value_or(Period::month));
  tiers.grace_days = static_cast<int>(read_bounded(reader, "grace_days", 0, 365).value_or(0));
  tiers.downgrade = read_choice<Downgrade>(
                        reader, "downgrade",
                        {{"one_step", Downgrade::one_step}, {"recompute", Downgrade::recompute}})
                        .value_or(Downgrade::one_step);
  read_value_score(reader, tiers);

  const auto levels = reader.array("levels", true);
  if (levels) {
    std::size_t index = 0;
    for (const auto element : *levels) {
      const std::string pointer = core::json_pointer_index(reader.pointer("levels"), index++);
      simdjson::dom::object level_object;
      if (element.get_object().get(level_object) != simdjson::SUCCESS) {
        reader.add_error(ErrorCode::field_wrong_type, "a level is an object", pointer);
        continue;
      }
      ObjectReader level_reader(level_object, pointer, reader.errors());
      TierLevel level = read_level(level_reader, tiers);
      if (!tiers.levels.empty() && level.threshold <= tiers.levels.back().threshold) {
        level_reader.add_error(ErrorCode::value_out_of_range,
                               "thresholds must rise from one level to the next",
                               level_reader.pointer("threshold"));
      }
      if (tiers.index_of(level.id) >= 0) {
        level_reader.add_error(ErrorCode::value_not_allowed, "two levels share this id",
                               level_reader.pointer("id"));
      }
      tiers.levels.push_back(std::move(level));
    }
    if (tiers.levels.empty()) {
      reader.add_error(ErrorCode::value_out_of_range, "at least one level is required",
                       reader.pointer("levels"));
    }
  }
  program.tiers = std::move(tiers);
}

int Tiers::index_of(std::string_view id) const {
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (levels[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace fidelis::domain
