#include "domain/program/program.h"
#include "core/json_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace fidelis::domain {
namespace {

std::vector<std::pair<std::string, std::string>> errors_of(std::string_view json) {
  core::JsonParser parser;
  auto program = parse_program(parser, json);
  std::vector<std::pair<std::string, std::string>> found;
  if (program.ok()) return found;
  for (const auto& error : program.errors()) {
    found.emplace_back(std::string(core::error_code_name(error.code)), error.where);
  }
  return found;
}

using Found = std::vector<std::pair<std::string, std::string>>;

TEST(Program, TheShippedBasicProgramIsValid) {
  std::ifstream file(std::string(FIDELIS_SOURCE_DIR_DEFAULT) + "/examples/programs/basic.json");
  std::stringstream text;
  text << file.rdbuf();
  core::JsonParser parser;
  auto program = parse_program(parser, text.str());
  ASSERT_TRUE(program.ok()) << program.error().where << ": " << program.error().message;
  EXPECT_EQ(program->pending_days, 14);
  EXPECT_EQ(program->expiry.mode, ExpiryMode::lot);
  EXPECT_EQ(program->expiry.after_days, 365);
  EXPECT_EQ(program->shortfall, Shortfall::debt);
}

TEST(Program, EveryShippedExampleIsValid) {
  for (const char* name : {"basic.json", "engagement.json", "full.json", "demo.json"}) {
    std::ifstream file(std::string(FIDELIS_SOURCE_DIR_DEFAULT) + "/examples/programs/" + name);
    std::stringstream text;
    text << file.rdbuf();
    ASSERT_FALSE(text.str().empty()) << name;
    core::JsonParser parser;
    auto program = parse_program(parser, text.str());
    EXPECT_TRUE(program.ok()) << name << ": "
                              << (program.ok()
                                      ? ""
                                      : program.error().where + " " + program.error().message);
  }
}

TEST(Program, RefusesUnknownFieldsWhereverTheyAre) {
  EXPECT_EQ(errors_of(R"({"name":"x","earning":{"rates":{"*":{"points":1,"per":"1"}},"rate":1},
                         "pendng":{"days":3}})"),
            (Found{{"field_unknown", "/pendng"}, {"field_unknown", "/earning/rate"}}));
}

TEST(Program, LocatesBadRatesAndMultipliers) {
  EXPECT_EQ(errors_of(R"({"name":"x","earning":{"rates":{"EURO":{"points":1,"per":"1.00"},
      "EUR":{"points":0,"per":"1.001"},"*":{"points":1,"per":"1.50"}},
      "multipliers":{"categories":{"shoes":2,"bags":"2000"}}}})"),
            (Found{{"currency_unknown", "/earning/rates/EURO"},
                   {"value_out_of_range", "/earning/rates/EUR/points"},
                   {"money_too_many_decimals", "/earning/rates/EUR/per"},
                   {"money_too_many_decimals", "/earning/rates/*/per"},
                   {"field_wrong_type", "/earning/multipliers/categories/shoes"},
                   {"value_out_of_range", "/earning/multipliers/categories/bags"}}));
}

TEST(Program, RequiresCoherentExpiry) {
  const std::string head = R"({"name":"x","earning":{"rates":{"*":{"points":1,"per":"1"}}},)";
  EXPECT_EQ(errors_of(head + R"("expiry":{"mode":"lot"}})"), (Found{{"field_missing", "/expiry"}}));
  EXPECT_EQ(errors_of(head + R"("expiry":{"mode":"lot","after_days":10,"after_months":1}})"),
            (Found{{"value_not_allowed", "/expiry/after_days"}}));
  EXPECT_EQ(errors_of(head + R"("expiry":{"mode":"inactivity","after_days":10}})"),
            (Found{{"field_missing", "/expiry/after_months"},
                   {"value_not_allowed", "/expiry/after_days"}}));
  EXPECT_EQ(errors_of(head + R"("expiry":{"mode":"forever"}})"),
            (Found{{"value_not_allowed", "/expiry/mode"}}));
  EXPECT_EQ(errors_of(head + R"("pending":{"days":400},"refunds":{"shortfall":"negative"}})"),
            (Found{{"value_out_of_range", "/pending/days"},
                   {"value_not_allowed", "/refunds/shortfall"}}));
}

TEST(Program, ReadsActionRulesInIdOrder) {
  core::JsonParser parser;
  auto program =
      parse_program(parser, R"({"name":"x","earning":{"rates":{"*":{"points":1,"per":"1"}}},
      "actions":{"survey":{"on":"survey.answered","points":10,"repeat":true,"cooldown_days":30,
                           "per_month":1,"max_per_member":5,"terms":"t"},
                 "launch":{"on":"member.enrolled","points":200,"from":"2025-01-01T00:00:00Z",
                           "until":"2025-01-02T00:00:00+00:00","terms":"t"},
                 "quiz":{"on":"custom.quiz.passed","points":5,"terms":"t"}}})");
  ASSERT_TRUE(program.ok()) << program.error().where << ": " << program.error().message;
  ASSERT_EQ(program->actions.size(), 3u);
  EXPECT_EQ(program->actions[0].id, "launch");
  EXPECT_FALSE(program->actions[0].repeat);
  EXPECT_EQ(program->actions[0].until->micros - program->actions[0].from->micros, 86'400'000'000);
  EXPECT_EQ(program->actions[1].on, "custom.quiz.passed");
  EXPECT_EQ(program->actions[2].cooldown_days, 30);
  EXPECT_EQ(program->actions[2].per_month, 1);
  EXPECT_EQ(program->actions[2].max_per_member, 5);
}

TEST(Program, LocatesBadActionRules) {
  const std::string head = R"({"name":"x","earning":{"rates":{"*":{"points":1,"per":"1"}}},)";
  EXPECT_EQ(
      errors_of(head + R"("actions":{"a":{"on":"order.placed","points":0,"terms":"t"}}})"),
      (Found{{"value_not_allowed", "/actions/a/on"}, {"value_out_of_range", "/actions/a/points"}}));
  EXPECT_EQ(errors_of(head + R"("actions":{"a":{"on":"survey.answered","photo_bonus":5,
            "network":"x","cooldown_days":3,"points":1}}})"),
            (Found{{"value_not_allowed", "/actions/a/photo_bonus"},
                   {"value_not_allowed", "/actions/a/network"},
                   {"value_not_allowed", "/actions/a/cooldown_days"},
                   {"field_missing", "/actions/a/terms"}}));
  EXPECT_EQ(errors_of(head + R"("actions":{"a":{"on":"member.enrolled","points":1,"terms":"",
            "from":"2025-02-01T00:00:00Z","until":"2025-01-01T00:00:00Z","bonus":1},
            "b":3}})"),
            (Found{{"field_unknown", "/actions/a/bonus"},
                   {"value_out_of_range", "/actions/a/until"},
                   {"string_length_invalid", "/actions/a/terms"},
                   {"field_wrong_type", "/actions/b"}}));
}

TEST(Program, LocatesBadMissions) {
  const std::string head = R"({"name":"x","earning":{"rates":{"*":{"points":1,"per":"1"}}},)";
  EXPECT_EQ(
      errors_of(head + R"("missions":{"m":{"on":"order.cancelled","target":0,"terms":"t"}}})"),
      (Found{{"value_not_allowed", "/missions/m/on"},
             {"value_out_of_range", "/missions/m/target"},
             {"field_missing", "/missions/m"}}));
  EXPECT_EQ(errors_of(head + R"("missions":{"m":{"on":"review.posted","network":"x","points":5,
            "recurring":"week","badge":"a b\u0001","terms":"t"}}})"),
            (Found{{"value_not_allowed", "/missions/m/network"},
                   {"field_missing", "/missions/m/target"},
                   {"id_invalid", "/missions/m/badge"},
                   {"value_not_allowed", "/missions/m/recurring"}}));
}

TEST(Program, LocatesBadMilestones) {
  const std::string head = R"({"name":"x","earning":{"rates":{"*":{"points":1,"per":"1"}}},)";
  EXPECT_EQ(errors_of(head + R"("milestones":{"program_anniversary":{"points":20,"terms":"t"},
            "first_purchase_anniversary":{"points":0,"launched_at":"2025-01-01T00:00:00Z"},
            "spend":{"a":{"amount":"1.00","currency":"EUR","points":1,"terms":"t"},
                     "b":{"amount":"2.00","currency":"USD","terms":"t"}},
            "half_birthday":{}}})"),
            (Found{{"field_unknown", "/milestones/half_birthday"},
                   {"field_unknown", "/milestones/first_purchase_anniversary/launched_at"},
                   {"value_out_of_range", "/milestones/first_purchase_anniversary/points"},
                   {"field_missing", "/milestones/first_purchase_anniversary/terms"},
                   {"field_missing", "/milestones/program_anniversary/launched_at"},
                   {"field_missing", "/milestones/spend/b"},
                   {"value_not_allowed", "/milestones/spend/b/currency"}}));
}

TEST(Program, NeedsANameAndRates) {
  EXPECT_EQ(errors_of(R"({"earning":{"rates":{}}})"),
            (Found{{"field_missing", "/name"}, {"field_missing", "/earning/rates"}}));
  EXPECT_EQ(errors_of("[]"), (Found{{"json_not_object", ""}}));
}

TEST(Program, ReadsRewardsWithTheFieldsOfTheirKind) {
  core::JsonParser parser;
  auto program =
      parse_program(parser, R"({"name":"x","earning":{"rates":{"*":{"points":1,"per":"1"}}},
    "rewards":{"z-mug":{"kind":"free_product","name":"Mug","points":100,"sku":"MUG-1","stock":5,
                        "terms":"t"},
               "a-pct":{"kind":"percent_discount","name":"10 %","points":300,"percent":10,
                        "valid_days":30,"per_member":1,"expired_code":"keep_points","terms":"t"}}})");
  ASSERT_TRUE(program.ok()) << program.error().where << ": " << program.error().message;
  ASSERT_EQ(program->rewards.size(), 2u);
  EXPECT_EQ(program->rewards[0].id, "a-pct");  // id order
  EXPECT_EQ(program->rewards[0].percent, 10);
  EXPECT_FALSE(program->rewards[0].return_on_expiry);
  EXPECT_EQ(program->rewards[1].target, "MUG-1");
  EXPECT_EQ(program->rewards[1].stock, 5);
  EXPECT_TRUE(program->rewards[1].return_on_expiry);
  EXPECT_EQ(program->reward("z-mug"), &program->rewards[1]);
  EXPECT_EQ(program->reward("nope"), nullptr);
}

TEST(Program, LocatesBadRewards) {
  const std::string head = R"({"name":"x","earning":{"rates":{"*":{"points":1,"per":"1"}}},)";
  // No terms, no cost, an unknown kind.
  EXPECT_EQ(errors_of(head + R"("rewards":{"r":{"kind":"lottery","name":"n"}}})"),
            (Found{{"value_not_allowed", "/rewards/r/kind"},
                   {"field_missing", "/rewards/r/points"},
                   {"field_missing", "/rewards/r/terms"}}));
  // Fields of another kind; a money reward without its currency.
  EXPECT_EQ(errors_of(head + R"("rewards":{"r":{"kind":"free_shipping","name":"n","points":5,
             "amount":"5.00","currency":"EUR","terms":"t"},
             "s":{"kind":"store_credit","name":"n","points":5,"amount":"5.00","terms":"t"}}})"),
            (Found{{"value_not_allowed", "/rewards/r/amount"},
                   {"value_not_allowed", "/rewards/r/currency"},
                   {"field_missing", "/rewards/s/currency"}}));
  // Percent out of range; an expiry choice for a code that never expires; a bad amount.
  EXPECT_EQ(errors_of(head + R"("rewards":{"p":{"kind":"percent_discount","name":"n","points":5,
             "percent":150,"expired_code":"keep_points","terms":"t"},
             "d":{"kind":"donation","name":"n","points":5,"amount":"5.001","currency":"EUR",
             "charity":"c","terms":"t"}}})"),
            (Found{{"value_out_of_range", "/rewards/p/percent"},
                   {"value_not_allowed", "/rewards/p/expired_code"},
                   {"money_too_many_decimals", "/rewards/d/amount"}}));
}

TEST(Program, LocatesBadTiers) {
  const std::string head = R"({"name":"x","earning":{"rates":{"*":{"points":1,"per":"1"}}},)";
  // Spend needs a currency; levels need rising thresholds and distinct ids.
  EXPECT_EQ(errors_of(head + R"("tiers":{"measure":"spend","levels":[
             {"id":"a","name":"A","threshold":"0","terms":"t"}]}})"),
            (Found{{"field_missing", "/tiers/currency"}}));
  EXPECT_EQ(
      errors_of(head + R"("tiers":{"measure":"orders","window":{"months":12,"calendar":"year"},
             "levels":[{"id":"a","name":"A","threshold":5,"terms":"t"},
                       {"id":"a","name":"B","threshold":5,"terms":"t"}]}})"),
      (Found{{"value_not_allowed", "/tiers/window"},
             {"value_out_of_range", "/tiers/levels/1/threshold"},
             {"value_not_allowed", "/tiers/levels/1/id"}}));
  // A value score needs its weights and the targets of weighted money components.
  EXPECT_EQ(errors_of(head + R"("tiers":{"measure":"value_score","currency":"EUR",
             "value_score":{"weights":{"spend":50}},
             "levels":[{"id":"a","name":"A","threshold":101,"terms":"t"}]}})"),
            (Found{{"field_missing", "/tiers/value_score/spend_target"},
                   {"value_out_of_range", "/tiers/levels/0/threshold"}}));
  // A reward reserved to a tier names a level.
  EXPECT_EQ(errors_of(head + R"("tiers":{"measure":"points","levels":[
             {"id":"a","name":"A","threshold":0,"terms":"t"}]},
             "rewards":{"r":{"kind":"free_shipping","name":"n","points":5,"min_tier":"gold",
             "terms":"t"}}})"),
            (Found{{"value_not_allowed", "/rewards/r/min_tier"}}));
}

TEST(Program, LocatesBadSegments) {
  const std::string head = R"({"name":"x","earning":{"rates":{"*":{"points":1,"per":"1"}}},)";
  // A segment needs a condition; its counts must leave room for someone; what it names exists.
  EXPECT_EQ(errors_of(head + R"("segments":{
             "empty":{"name":"E"},
             "none":{"name":"N","orders_at_least":3,"orders_at_most":1,"months":40},
             "named":{"name":"T","tiers":["gold"],"badges":["critic", 7],"membership":true}}})"),
            (Found{{"field_missing", "/segments/empty"},
                   {"value_out_of_range", "/segments/none/months"},
                   {"value_out_of_range", "/segments/none/orders_at_most"},
                   {"id_invalid", "/segments/named/badges/1"},
                   {"value_not_allowed", "/segments/named/tiers/0"},
                   {"value_not_allowed", "/segments/named/badges/0"},
                   {"value_not_allowed", "/segments/named/membership"}}));
  // A reward reserved to segments names segments of the program, at least one.
  EXPECT_EQ(errors_of(head + R"("segments":{"vip":{"name":"V","orders_at_least":5}},
             "rewards":{"r":{"kind":"free_shipping","name":"n","points":5,
             "segments":["vip","gone"],"terms":"t"},
             "s":{"kind":"free_shipping","name":"n","points":5,"segments":[],"terms":"t"}}})"),
            (Found{{"value_out_of_range", "/rewards/s/segments"},
                   {"value_not_allowed", "/rewards/r/segments/1"}}));
}

}  // namespace
}  // namespace fidelis::domain
