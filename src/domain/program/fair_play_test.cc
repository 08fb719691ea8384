#include "domain/program/fair_play.h"
#include "core/json_reader.h"

#include <gtest/gtest.h>

namespace fidelis::domain {
namespace {

using Found = std::vector<std::pair<std::string, std::string>>;

Program parse(const std::string& json) {
  core::JsonParser parser;
  auto program = parse_program(parser, json);
  EXPECT_TRUE(program.ok()) << (program.ok() ? "" : program.error().message);
  return program.ok() ? std::move(program).value() : Program{};
}

Found found(const core::Errors& errors) {
  Found list;
  for (const auto& error : errors) {
    list.emplace_back(std::string(core::error_code_name(error.code)), error.where);
  }
  return list;
}

const std::string kHead = R"({"name":"x","earning":{"rates":{"*":{"points":1,"per":"1"}}},)";

TEST(FairPlay, AFairProgramPassesWithoutWarnings) {
  const FairPlayReport report = check_fair_play(parse(kHead + R"(
    "expiry":{"mode":"lot","after_days":365,"notice_days":30},
    "actions":{"review":{"on":"review.posted","points":5,"repeat":true,"per_month":4,
                         "terms":"5 points a review, four a month."}},
    "rewards":{"v":{"kind":"fixed_discount","name":"5.00 off","points":500,"amount":"5.00",
                    "currency":"EUR","terms":"Withdraw it at checkout."}}})"));
  EXPECT_TRUE(report.errors.empty()) << report.errors[0].message;
  EXPECT_TRUE(report.warnings.empty());
}

TEST(FairPlay, RefusesChanceCreditBlankTermsAndSilentExpiry) {
  const FairPlayReport report = check_fair_play(parse(kHead + R"(
    "expiry":{"mode":"lot","after_days":365},
    "actions":{"a":{"on":"review.posted","points":5,"terms":"  "}},
    "missions":{"m":{"on":"review.posted","target":2,"points":5,
                     "terms":"Two reviews enter you in our prize draw."}},
    "rewards":{"r":{"kind":"access","name":"Tombola ticket","points":5,"terms":"t"},
               "l":{"kind":"store_credit","name":"Pay later","points":5,"amount":"5.00",
                    "currency":"EUR","terms":"t"}}})"));
  EXPECT_EQ(found(report.errors),
            (Found{{"fair_play_terms_missing", "/actions/a/terms"},
                   {"fair_play_chance", "/missions/m/terms"},
                   {"fair_play_credit", "/rewards/l/terms"},
                   {"fair_play_chance", "/rewards/r/terms"},
                   {"fair_play_expiry_without_notice", "/expiry/notice_days"}}));
}

TEST(FairPlay, WarnsOnUncappedMechanicsWithoutRefusing) {
  const FairPlayReport report = check_fair_play(parse(kHead + R"(
    "actions":{"a":{"on":"review.posted","points":5,"repeat":true,"terms":"t"}},
    "tiers":{"measure":"orders","levels":[{"id":"a","name":"A","threshold":0,"terms":"t"}]}})"));
  EXPECT_TRUE(report.errors.empty());
  EXPECT_EQ(found(report.warnings), (Found{{"fair_play_uncapped", "/actions/a/repeat"},
                                           {"fair_play_uncapped", "/tiers/measure"}}));
}

TEST(FairPlay, DevaluingEarnedPointsNeedsThirtyDaysNotice) {
  const Program before = parse(kHead + R"("rewards":{
    "v":{"kind":"fixed_discount","name":"n","points":500,"amount":"5.00","currency":"EUR","terms":"t"},
    "s":{"kind":"free_shipping","name":"n","points":100,"terms":"t"}}})");
  const Program dearer = parse(kHead + R"("rewards":{
    "v":{"kind":"fixed_discount","name":"n","points":600,"amount":"5.00","currency":"EUR","terms":"t"}}})");
  const core::Timestamp now = *core::parse_rfc3339("2025-06-01T00:00:00Z");
  EXPECT_EQ(found(check_devaluation(before, dearer, core::add_days(now, 10), now)),
            (Found{{"fair_play_devaluation_without_notice", "/rewards/s"},
                   {"fair_play_devaluation_without_notice", "/rewards/v"}}));
  EXPECT_TRUE(check_devaluation(before, dearer, core::add_days(now, 30), now).empty());
  // Cheaper or new rewards need no notice.
  const Program cheaper = parse(kHead + R"("rewards":{
    "v":{"kind":"fixed_discount","name":"n","points":400,"amount":"5.00","currency":"EUR","terms":"t"},
    "s":{"kind":"free_shipping","name":"n","points":100,"terms":"t"},
    "w":{"kind":"free_shipping","name":"n","points":900,"terms":"t"}}})");
  EXPECT_TRUE(check_devaluation(before, cheaper, now, now).empty());
}

}  // namespace
}  // namespace fidelis::domain
