#include "domain/program/rules_page.h"
#include "core/json_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace fidelis::domain {
namespace {

Program program_from(const std::string& json) {
  core::JsonParser parser;
  auto program = parse_program(parser, json);
  EXPECT_TRUE(program.ok()) << (program.ok() ? "" : program.error().message);
  return program.ok() ? std::move(program).value() : Program{};
}

Program basic() {
  std::ifstream file(std::string(FIDELIS_SOURCE_DIR_DEFAULT) + "/examples/programs/basic.json");
  std::stringstream text;
  text << file.rdbuf();
  return program_from(text.str());
}

TEST(RulesPage, SaysWhatTheBasicProgramDoesInEnglish) {
  const std::string page = render_rules_page(basic(), PageLanguage::en, PageFormat::markdown);
  for (const char* sentence :
       {"# Basic points\n", "- You earn 1 point for every 1 of the order's currency spent.\n",
        "- Shipping earns no points. Taxes earn no points.\n",
        "- Points are rounded down, once per order.\n",
        "- Points from an order become available 14 days after the order (the return window); "
        "until then they are pending.\n",
        "- If those points were already used, the missing points are deducted from the next "
        "points you earn.\n",
        "- Points expire 365 days after they become available.\n",
        "- When you use points, those closest to expiry go first.\n",
        "- We tell you 30 days before any of your points expire.\n"}) {
    EXPECT_NE(page.find(sentence), std::string::npos) << sentence << "\n---\n" << page;
  }
  EXPECT_EQ(page.find("Other ways to earn"), std::string::npos);  // no actions in basic
}

TEST(RulesPage, SpeaksFrench) {
  const std::string page = render_rules_page(basic(), PageLanguage::fr, PageFormat::markdown);
  EXPECT_NE(page.find("## Gagner des points sur vos achats"), std::string::npos) << page;
  EXPECT_NE(page.find("Vous gagnez 1 point pour chaque tranche de 1 de la devise de la commande"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("Les points expirent 365 jours après être devenus disponibles."),
            std::string::npos)
      << page;
}

TEST(RulesPage, ListsEveryActionWithItsTermsAndLimits) {
  const Program program =
      program_from(R"({"name":"A","earning":{"rates":{"EUR":{"points":2,"per":"1.00"}},
      "multipliers":{"categories":{"clearance":"0.5"}},"caps":{"per_month":500}},
      "actions":{"review":{"on":"review.posted","points":20,"photo_bonus":30,"repeat":true,
        "cooldown_days":1,"per_month":2,"terms":"Reviews earn points."},
        "follow":{"on":"social.followed","network":"instagram","points":50,"terms":"Follow us."}}})");
  const std::string en = render_rules_page(program, PageLanguage::en, PageFormat::markdown);
  EXPECT_NE(en.find("- You earn 2 points for every 1.00 EUR spent.\n"), std::string::npos) << en;
  EXPECT_NE(en.find("- Items of the category clearance earn ×0.5 the points.\n"), std::string::npos)
      << en;
  EXPECT_NE(en.find("- At most 500 points per calendar month from purchases.\n"), std::string::npos)
      << en;
  EXPECT_NE(en.find("- Follow us. — 50 points for following us on instagram, once. Available at "
                    "once.\n"),
            std::string::npos)
      << en;
  EXPECT_NE(
      en.find("- Reviews earn points. — 20 points for a review, 30 points more with a "
              "photo, at most once every 1 day, at most 2 times a month. Available at once.\n"),
      std::string::npos)
      << en;
  const std::string fr = render_rules_page(program, PageLanguage::fr, PageFormat::markdown);
  EXPECT_NE(fr.find("×0,5"), std::string::npos) << fr;
}

TEST(RulesPage, ListsMissions) {
  const Program program =
      program_from(R"({"name":"M","earning":{"rates":{"*":{"points":1,"per":"1"}}},
      "missions":{"reviews-3":{"on":"review.posted","target":3,"points":100,"badge":"critic",
        "terms":"Post 3 reviews."},
        "survey-2":{"on":"survey.answered","target":2,"points":30,"recurring":"month",
        "terms":"Two surveys a month."}}})");
  const std::string en = render_rules_page(program, PageLanguage::en, PageFormat::markdown);
  EXPECT_NE(en.find("## Missions\n\n- Post 3 reviews. — goal: 3 × a review: 100 points and the "
                    "badge critic.\n"),
            std::string::npos)
      << en;
  EXPECT_NE(en.find("- Two surveys a month. — goal: 2 × answering a survey, every calendar month: "
                    "30 points.\n"),
            std::string::npos)
      << en;
}

TEST(RulesPage, EscapesWhatTheMerchantWrote) {
  const Program program = program_from(
      R"({"name":"<b>Club</b> & co","earning":{"rates":{"*":{"points":1,"per":"1"}}},
          "actions":{"x":{"on":"profile.completed","points":5,"terms":"Fill in <script>alert(1)</script> *now*"}}})");
  const std::string html = render_rules_page(program, PageLanguage::en, PageFormat::html);
  EXPECT_NE(html.find("<h1>&lt;b&gt;Club&lt;/b&gt; &amp; co</h1>"), std::string::npos) << html;
  EXPECT_NE(html.find("Fill in &lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("<html lang=\"en\">"), std::string::npos);
  const std::string markdown = render_rules_page(program, PageLanguage::en, PageFormat::markdown);
  EXPECT_NE(markdown.find("\\*now\\*"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("\\<b>Club\\</b> & co"), std::string::npos) << markdown;
}

TEST(RulesPage, ListsEveryRewardWithItsCostBenefitAndValidity) {
  const Program program = program_from(R"({"name": "R",
    "earning": {"rates": {"EUR": {"points": 1, "per": "1.00"}}},
    "rewards": {
      "charity-1": {"kind": "donation", "name": "A meal", "points": 500, "amount": "5.00",
                    "currency": "EUR", "charity": "Food bank", "terms": "Thank you."},
      "voucher-5": {"kind": "fixed_discount", "name": "5.00 off", "points": 500,
                    "amount": "5.00", "currency": "EUR", "valid_days": 90, "per_member": 3,
                    "expired_code": "keep_points", "terms": "One per order."}}})");
  const std::string en = render_rules_page(program, PageLanguage::en, PageFormat::markdown);
  for (const char* sentence :
       {"## Rewards\n",
        "- A meal for 500 points (5.00 EUR given to Food bank in your name). The code does not "
        "expire. Cancelling an unused code gives its points back. Thank you.\n",
        "- 5.00 off for 500 points (5.00 EUR off an order). The code is valid for 90 days; "
        "unused, its points are not given back. At most 3 per member. Cancelling an unused code "
        "gives its points back. One per order.\n"}) {
    EXPECT_NE(en.find(sentence), std::string::npos) << sentence << "\n---\n" << en;
  }
  const std::string fr = render_rules_page(program, PageLanguage::fr, PageFormat::markdown);
  EXPECT_NE(fr.find("- A meal pour 500 points (5.00 EUR versés à Food bank en votre nom)"),
            std::string::npos)
      << fr;
}

TEST(RulesPage, ExplainsTiersAndHidesSecretOnes) {
  const Program program = program_from(R"({"name": "T",
    "earning": {"rates": {"EUR": {"points": 1, "per": "1.00"}}},
    "tiers": {"measure": "spend", "currency": "EUR", "grace_days": 30,
      "levels": [
        {"id": "bronze", "name": "Bronze", "threshold": "0", "terms": "Welcome."},
        {"id": "silver", "name": "Silver", "threshold": "100.00", "earn_multiplier": "1.5",
         "terms": "More points."},
        {"id": "insider", "name": "Insider", "threshold": "150.00", "secret": true,
         "terms": "Hush."},
        {"id": "gold", "name": "Gold", "threshold": "500.00", "free_shipping": true,
         "terms": "Free shipping."}]}})");
  const std::string en = render_rules_page(program, PageLanguage::en, PageFormat::markdown);
  for (const char* sentence :
       {"## Tiers\n",
        "- Your tier is set by your spend in EUR (after discounts, less refunds) over the last 12 "
        "months, this month included.\n",
        "- You move up as soon as you qualify. Tiers are reviewed at the start of every month; if "
        "you no longer qualify, you keep your tier for 30 more days, then you move down one "
        "tier.\n",
        "- Silver: from 100.00 EUR; points on orders × 1.5. More points.\n"}) {
    EXPECT_NE(en.find(sentence), std::string::npos) << sentence << "\n---\n" << en;
  }
  EXPECT_EQ(en.find("Insider"), std::string::npos) << en;
  EXPECT_EQ(en.find("Hush"), std::string::npos) << en;
  const std::string fr = render_rules_page(program, PageLanguage::fr, PageFormat::markdown);
  EXPECT_NE(fr.find("sur les 12 derniers mois, mois en cours compris"), std::string::npos) << fr;
}

}  // namespace
}  // namespace fidelis::domain
