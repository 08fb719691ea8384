#include "domain/program/fair_play.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/json_pointer.h"

namespace fidelis::domain {
namespace {

using core::ErrorCode;

std::string pointer(std::string_view section, std::string_view id, std::string_view field) {
  return core::json_pointer_child(core::json_pointer_child("/" + std::string(section), id), field);
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Whole words (or phrases) that name games of chance or credit, in English and French.
constexpr std::array<std::string_view, 12> kChanceWords = {
    "lottery", "raffle",  "sweepstake", "sweepstakes",    "prize draw",    "lucky draw",
    "random",  "loterie", "tombola",    "tirage au sort", "jeu de hasard", "gamble"};
constexpr std::array<std::string_view, 7> kCreditWords = {
    "loan", "borrow", "pay later", "interest rate", "prêt", "emprunt", "taux d'intérêt"};

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// The first listed word found in `text` as a whole word, or nothing.
template <std::size_t N>
std::optional<std::string_view> find_word(std::string_view text,
                                          const std::array<std::string_view, N>& words) {
  const std::string haystack = lower(text);
  for (const std::string_view word : words) {
    for (std::size_t at = haystack.find(word); at != std::string::npos;
         at = haystack.find(word, at + 1)) {
      const bool starts = at == 0 || !is_word_char(haystack[at - 1]);
      const std::size_t end = at + word.size();
      const bool ends = end == haystack.size() || !is_word_char(haystack[end]);
      if (starts && ends) return word;
    }
  }
  return std::nullopt;
}

void check_text(core::Errors& errors, std::string_view text, const std::string& where) {
  if (const auto word = find_word(text, kChanceWords)) {
    errors.push_back(core::make_error(
        ErrorCode::fair_play_chance,
        "\"" + std::string(*word) +
            "\": rewards must never depend on chance; every member who does the same gets the "
            "same",
        where));
  }
  if (const auto word = find_word(text, kCreditWords)) {
    errors.push_back(core::make_error(
        ErrorCode::fair_play_credit,
        "\"" + std::string(*word) + "\": a loyalty program offers no credit, loan or interest",
        where));
  }
}

void require_terms(core::Errors& errors, const std::string& terms, const std::string& where) {
  const bool blank = std::all_of(terms.begin(), terms.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c));
  });
  if (blank) {
    errors.push_back(core::make_error(ErrorCode::fair_play_terms_missing,
                                      "members must be able to read the terms: write them", where));
  }
}

}  // namespace

FairPlayReport check_fair_play(const Program& program) {
  FairPlayReport report;
  core::Errors& errors = report.errors;
  check_text(errors, program.name, "/name");
  for (const auto& rule : program.actions) {
    require_terms(errors, rule.terms, pointer("actions", rule.id, "terms"));
    check_text(errors, rule.id + " " + rule.terms, pointer("actions", rule.id, "terms"));
    if (rule.repeat && !rule.per_month && !rule.max_per_member && rule.cooldown_days == 0) {
      report.warnings.push_back(core::make_error(
          ErrorCode::fair_play_uncapped,
          "a repeatable rule without cooldown, per_month or max_per_member rewards doing the "
          "same thing without end",
          pointer("actions", rule.id, "repeat")));
    }
  }
  for (const auto& mission : program.missions) {
    require_terms(errors, mission.terms, pointer("missions", mission.id, "terms"));
    check_text(errors, mission.id + " " + mission.terms, pointer("missions", mission.id, "terms"));
  }
  for (const auto& reward : program.rewards) {
    require_terms(errors, reward.terms, pointer("rewards", reward.id, "terms"));
    check_text(errors, reward.id + " " + reward.name + " " + reward.terms,
               pointer("rewards", reward.id, "terms"));
  }
  for (const auto& [yearly, key] : {std::pair{&program.birthday, "birthday"},
                                    {&program.purchase_anniversary, "first_purchase_anniversary"},
                                    {&program.program_anniversary, "program_anniversary"}}) {
    if (!*yearly) continue;
    const std::string where = std::string("/milestones/") + key + "/terms";
    require_terms(errors, (*yearly)->terms, where);
    check_text(errors, (*yearly)->terms, where);
  }
  if (program.leaderboard) {
    require_terms(errors, program.leaderboard->terms, "/leaderboard/terms");
    check_text(errors, program.leaderboard->terms, "/leaderboard/terms");
  }
  if (program.cashback) {
    require_terms(errors, program.cashback->terms, "/cashback/terms");
    check_text(errors, program.cashback->terms, "/cashback/terms");
  }
  for (const auto& milestone : program.spend_milestones) {
    const std::string where = "/milestones/spend/" + milestone.id + "/terms";
    require_terms(errors, milestone.terms, where);
    check_text(errors, milestone.id + " " + milestone.terms, where);
  }
  for (const auto& plan : program.memberships) {
    require_terms(errors, plan.terms, pointer("memberships", plan.id, "terms"));
    check_text(errors, plan.name + " " + plan.terms, pointer("memberships", plan.id, "terms"));
  }
  if (program.referrals) {
    require_terms(errors, program.referrals->terms, "/referrals/terms");
    check_text(errors, program.referrals->terms, "/referrals/terms");
  }
  if (program.tiers) {
    for (std::size_t i = 0; i < program.tiers->levels.size(); ++i) {
      const TierLevel& level = program.tiers->levels[i];
      const std::string where = "/tiers/levels/" + std::to_string(i);
      require_terms(errors, level.terms, where + "/terms");
      check_text(errors, level.name + " " + level.terms, where + "/terms");
    }
    if (program.tiers->measure == TierMeasure::orders) {
      report.warnings.push_back(core::make_error(
          ErrorCode::fair_play_uncapped,
          "tiers counting orders reward splitting purchases; spend or a value score does not",
          "/tiers/measure"));
    }
  }
  if (program.expiry.mode != ExpiryMode::none) {
    if (!program.expiry.notice_days) {
      errors.push_back(
          core::make_error(ErrorCode::fair_play_expiry_without_notice,
                           "points that expire need a notice: give expiry.notice_days (at least " +
                               std::to_string(kExpiryNoticeDaysMin) + ")",
                           "/expiry/notice_days"));
    } else if (*program.expiry.notice_days < kExpiryNoticeDaysMin) {
      errors.push_back(
          core::make_error(ErrorCode::fair_play_expiry_without_notice,
                           "notice_days must be at least " + std::to_string(kExpiryNoticeDaysMin),
                           "/expiry/notice_days"));
    }
  }
  return report;
}

core::Errors check_devaluation(const Program& before, const Program& after,
                               std::optional<core::Timestamp> applies_from,
                               core::Timestamp activated_at) {
  core::Errors errors;
  const core::Timestamp earliest = core::add_days(activated_at, kDevaluationNoticeDaysMin);
  if (applies_from && *applies_from >= earliest) return errors;
  const std::string notice = " lowers what earned points are worth: the version may start " +
                             std::to_string(kDevaluationNoticeDaysMin) +
                             " days after activation at the soonest (" +
                             core::format_rfc3339(earliest) + ")";
  for (const auto& old_reward : before.rewards) {
    const Reward* reward = after.reward(old_reward.id);
    const std::string where = core::json_pointer_child("/rewards", old_reward.id);
    if (reward == nullptr) {
      errors.push_back(core::make_error(ErrorCode::fair_play_devaluation_without_notice,
                                        "removing reward \"" + old_reward.id + "\"" + notice,
                                        where));
      continue;
    }
    const bool smaller = old_reward.amount && reward->amount &&
                         reward->amount->currency == old_reward.amount->currency &&
                         reward->amount->minor < old_reward.amount->minor;
    if (reward->points > old_reward.points || smaller || reward->percent < old_reward.percent) {
      errors.push_back(core::make_error(
          ErrorCode::fair_play_devaluation_without_notice,
          "making reward \"" + old_reward.id + "\" dearer or smaller" + notice, where));
    }
  }
  return errors;
}

}  // namespace fidelis::domain
