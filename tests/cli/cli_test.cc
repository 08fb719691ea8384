// The CLI contract (CONTRACT.md "Build and commands", "ingest output"): exit codes, global options
// before or after the command, the pinned `ingest --json` lines, `member show --json`. Runs the
// real binary.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/cli_runner.h"

namespace fidelis {
namespace {

namespace fs = std::filesystem;

using Outcome = test_support::CliOutcome;

class Cli : public test_support::CliTest {
 protected:
  static std::string read(const fs::path& path) { return test_support::read_text(path); }

  std::string program() const {
    return (test_support::source_dir() / "examples/programs/basic.json").string();
  }

  const fs::path& dir_ = scratch_.path();
};

const char* kOrder =
    R"({"id":"e1","type":"order.placed","member":"m1","occurred_at":"2025-03-01T10:00:00Z","data":{"order_id":"o1","currency":"EUR","lines":[{"sku":"A","quantity":1,"unit_price":"25.00"}]}})";

TEST_F(Cli, UsageErrorsExitOne) {
  EXPECT_EQ(run("--db " + db_ + " frobnicate").exit_code, 1);
  EXPECT_EQ(run("--db " + db_ + " member show").exit_code, 1);
  EXPECT_EQ(run("--db " + db_ + " --colour member show m1").exit_code, 1);
  EXPECT_EQ(run("").exit_code, 1);
  const Outcome help = run("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("usage: fidelis"), std::string::npos);
}

TEST_F(Cli, IngestReportsEveryLineThenASummaryAndExitsByTheWorstOutcome) {
  ASSERT_EQ(run("--db " + db_ + " program activate " + program()).exit_code, 0);
  const std::string conflicting =
      std::string(kOrder).replace(std::string(kOrder).find("25.00"), 5, "26.00");
  // Global options after the command, as CONTRACT.md allows.
  const Outcome first = run("ingest - --db " + db_ + " --json",
                            std::string(kOrder) + "\n\n" + kOrder + "\n" + conflicting + "\n");
  EXPECT_EQ(first.exit_code, 3) << first.err;
  EXPECT_EQ(first.out,
            "{\"line\":1,\"id\":\"e1\",\"status\":\"accepted\"}\n"
            "{\"line\":3,\"id\":\"e1\",\"status\":\"duplicate\"}\n"
            "{\"line\":4,\"id\":\"e1\",\"status\":\"conflict\",\"errors\":[{\"pointer\":\"/id\","
            "\"code\":\"event_id_reused_with_other_body\",\"message\":\"event id \\\"e1\\\" was "
            "already used with a different body\"}]}\n"
            "{\"summary\":{\"accepted\":1,\"duplicate\":1,\"conflict\":1,\"rejected\":0}}\n");
  // A rejected line wins over a conflict; errors go to stderr with file:line and pointer.
  const Outcome second = run("--db " + db_ + " ingest -", conflicting + "\n{\"id\":\"e2\"}\n");
  EXPECT_EQ(second.exit_code, 2);
  EXPECT_NE(second.err.find("stdin:2: /type: type is required (field_missing)"), std::string::npos)
      << second.err;
  EXPECT_NE(second.out.find("0 accepted, 0 duplicate, 1 conflict, 1 rejected"), std::string::npos);
}

TEST_F(Cli, MemberShowPrintsTheContractStateOrExitsFourWhenAbsent) {
  ASSERT_EQ(run("--db " + db_ + " program activate " + program()).exit_code, 0);
  ASSERT_EQ(run("--db " + db_ + " ingest -", std::string(kOrder) + "\n").exit_code, 0);
  const Outcome shown = run("--db " + db_ + " member show m1 --json");
  EXPECT_EQ(shown.exit_code, 0);
  EXPECT_EQ(
      shown.out,
      "{\"member\":\"m1\",\"shop\":\"default\",\"points\":{\"available\":0,\"pending\":25,"
      "\"debt\":0,\"earned\":25,\"spent\":0,\"expired\":0,\"reversed\":0},\"tier\":null,\"next_"
      "expiry\":"
      "null,\"badges\":[],\"store_credit\":null,\"milestones\":{\"first_purchase\":null,\"settled_"
      "spend\":0,"
      "\"spend_reached\":[]},\"missions\":[],\"referral\":null,\"membership\":null,\"codes\":[],"
      "\"consents\":[],\"tickets\":{\"opened\":0,\"recent\":[]},"
      "\"first_seen_at\":\"2025-"
      "03-01T10:00:00Z\","
      "\"as_of\":\"2025-03-01T10:00:00Z\"}\n");
  EXPECT_EQ(run("--db " + db_ + " member show nobody").exit_code, 4);
  EXPECT_EQ(run("--db " + db_ + " --shop other member show m1").exit_code, 4);
  EXPECT_EQ(run("--db " + db_ + " tick --until 2025-03-15T10:00:00Z").exit_code, 0);
  EXPECT_NE(run("--db " + db_ + " --json member show m1").out.find("\"available\":25"),
            std::string::npos);
  EXPECT_EQ(run("--db " + db_ + " replay --verify").exit_code, 0);
}

// An order of a customer outside the program: kept in the log (idempotent like any event), no
// member and no points; replay rebuilds the same state around it.
TEST_F(Cli, IngestKeepsGuestOrdersOutsideTheLedger) {
  ASSERT_EQ(run("--db " + db_ + " program activate " + program()).exit_code, 0);
  const std::string guest =
      R"({"id":"g1","type":"guest.order.placed","occurred_at":"2025-03-02T10:00:00Z","data":)"
      R"({"order_id":"w-77","currency":"EUR","lines":[{"sku":"A","quantity":2,"unit_price":"9.50"}]}})";
  const Outcome ingested =
      run("--db " + db_ + " ingest - --json", std::string(kOrder) + "\n" + guest + "\n" + guest);
  EXPECT_EQ(ingested.exit_code, 0) << ingested.err;
  EXPECT_NE(ingested.out.find(R"({"line":2,"id":"g1","status":"accepted"})"), std::string::npos)
      << ingested.out;
  EXPECT_NE(ingested.out.find(R"({"line":3,"id":"g1","status":"duplicate"})"), std::string::npos);
  EXPECT_NE(run("--db " + db_ + " --json member show m1").out.find("\"earned\":25"),
            std::string::npos);
  EXPECT_EQ(run("--db " + db_ + " replay --verify").exit_code, 0);
  // A guest order names no member; a member's order is order.placed.
  const std::string named = R"({"member":"m1",)" + guest.substr(1).replace(6, 2, "g2");
  const Outcome refused = run("--db " + db_ + " ingest -", named + "\n");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("stdin:1: /member: a guest order has no member"), std::string::npos)
      << refused.err;
}

TEST_F(Cli, ProgramCheckLocatesErrorsAndExitsTwo) {
  std::ofstream(dir_ / "bad.json")
      << R"({"name":"x","earning":{"rates":{"EUR":{"points":1,"per":"1.001"}}}})";
  const Outcome checked = run("program check " + (dir_ / "bad.json").string());
  EXPECT_EQ(checked.exit_code, 2);
  EXPECT_NE(checked.err.find("/earning/rates/EUR/per"), std::string::npos) << checked.err;
  EXPECT_EQ(run("program check " + program()).exit_code, 0);
}

TEST_F(Cli, DemoIngestsAShopWithActionsThatReplaysExactly) {
  const Outcome demo = run("demo --members 300 --days 120 --json --no-serve --db " + db_);
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  for (const char* field : {"\"members\":300", "\"rejected\":0", "\"example_member\""}) {
    EXPECT_NE(demo.out.find(field), std::string::npos) << field << " in " << demo.out;
  }
  EXPECT_EQ(demo.out.find("\"actions\":0,"), std::string::npos) << demo.out;
  EXPECT_EQ(demo.out.find("\"guest_orders\":0,"), std::string::npos) << demo.out;
  // Rewards were redeemed as codes, some used: replay below rebuilds them too.
  EXPECT_EQ(demo.out.find("\"codes\":{\"issued\":0,"), std::string::npos) << demo.out;
  EXPECT_EQ(demo.out.find("\"used\":0}"), std::string::npos) << demo.out;
  const Outcome rules = run("--db " + db_ + " --shop demo program rules-page");
  EXPECT_NE(rules.out.find("## Other ways to earn"), std::string::npos) << rules.out;
  EXPECT_EQ(run("--db " + db_ + " replay --verify").exit_code, 0);
}

TEST_F(Cli, RulesPageRendersAFileOrTheVersionInForce) {
  const Outcome html = run("program rules-page " + program() + " --lang fr --format html");
  EXPECT_EQ(html.exit_code, 0) << html.err;
  EXPECT_NE(html.out.find("<html lang=\"fr\">"), std::string::npos) << html.out;
  EXPECT_NE(html.out.find("<h2>Expiration</h2>"), std::string::npos) << html.out;
  // Without FILE: the shop's program in force; none yet in a fresh database.
  const Outcome none = run("--db " + db_ + " program rules-page");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("program_missing"), std::string::npos) << none.err;
  ASSERT_EQ(run("--db " + db_ + " program activate " + program()).exit_code, 0);
  const Outcome stored = run("--db " + db_ + " program rules-page");
  EXPECT_EQ(stored.exit_code, 0) << stored.err;
  EXPECT_EQ(stored.out, run("program rules-page " + program() + " --lang en --format md").out);
  EXPECT_EQ(stored.out.rfind("# Basic points\n", 0), 0u) << stored.out;
  EXPECT_EQ(run("program rules-page " + program() + " --lang de").exit_code, 1);
  EXPECT_EQ(run("program rules-page " + program() + " --format pdf").exit_code, 1);
}

}  // namespace
}  // namespace fidelis

namespace fidelis {
namespace {

// The contract's "tier": level, since, what remains to the next visible level (a secret one is
// skipped) and to keep this one at the next review.
TEST_F(Cli, MemberShowIncludesTheTierAndWhatRemains) {
  const std::string program = write_file("tiers.json", R"({"name": "T",
    "earning": {"rates": {"EUR": {"points": 1, "per": "1.00"}}},
    "tiers": {"measure": "spend", "currency": "EUR",
      "levels": [
        {"id": "bronze", "name": "Bronze", "threshold": "0", "terms": "t"},
        {"id": "silver", "name": "Silver", "threshold": "100.00", "earn_multiplier": "1.5",
         "terms": "t"},
        {"id": "insider", "name": "Insider", "threshold": "150.00", "secret": true, "terms": "t"},
        {"id": "gold", "name": "Gold", "threshold": "500.00", "terms": "t"}]}})");
  ASSERT_EQ(run("--db " + db_ + " program activate " + program).exit_code, 0);
  const std::string order =
      R"({"id":"e1","type":"order.placed","member":"m1","occurred_at":"2025-03-01T10:00:00Z","data":{"order_id":"o1","currency":"EUR","lines":[{"sku":"A","quantity":1,"unit_price":"120.00"}]}})";
  ASSERT_EQ(run("--db " + db_ + " ingest -", order + "\n").exit_code, 0);
  const Outcome shown = run("--db " + db_ + " member show m1 --json");
  EXPECT_NE(
      shown.out.find(
          R"("tier":{"id":"silver","name":"Silver","since":"2025-03-01T10:00:00Z",)"
          R"("measure":{"spend":"120.00","currency":"EUR"},"benefits":{"earn_multiplier":"1.5",)"
          R"("free_shipping":false,"early_access":false,"priority_service":false},)"
          R"("review_at":"2025-04-01T00:00:00Z","next":{"id":"gold","name":"Gold",)"
          R"("remaining":{"spend":"380.00","currency":"EUR"}},"keep":{"at":"2025-04-01T00:00:00Z",)"
          R"("remaining":{"spend":"0.00","currency":"EUR"}}})"),
      std::string::npos)
      << shown.out;
  const Outcome text = run("--db " + db_ + " member show m1");
  EXPECT_NE(text.out.find("tier Silver since 2025-03-01T10:00:00Z"), std::string::npos) << text.out;
}

}  // namespace
}  // namespace fidelis

namespace fidelis {
namespace {

// `program check` is the fair-play gate (seed 003): refusals exit 2 and say where; warnings let
// the program through; activation refuses what check refuses.
TEST_F(Cli, ProgramCheckRefusesUnfairProgramsAndWarnsOnUncappedOnes) {
  const std::string unfair = write_file("unfair.json", R"({"name": "Lucky",
    "earning": {"rates": {"EUR": {"points": 1, "per": "1.00"}}},
    "expiry": {"mode": "lot", "after_days": 90},
    "rewards": {"r": {"kind": "access", "name": "Raffle ticket", "points": 10, "terms": "t"}}})");
  const Outcome refused = run("program check " + unfair + " --json");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.out.find(R"({"pointer":"/rewards/r/terms","code":"fair_play_chance")"),
            std::string::npos)
      << refused.out;
  EXPECT_NE(refused.out.find(
                R"("pointer":"/expiry/notice_days","code":"fair_play_expiry_without_notice")"),
            std::string::npos)
      << refused.out;
  EXPECT_EQ(run("--db " + db_ + " program activate " + unfair).exit_code, 2);

  const std::string uncapped = write_file("uncapped.json", R"({"name": "Busy",
    "earning": {"rates": {"EUR": {"points": 1, "per": "1.00"}}},
    "actions": {"a": {"on": "review.posted", "points": 5, "repeat": true, "terms": "t"}}})");
  const Outcome warned = run("program check " + uncapped);
  EXPECT_EQ(warned.exit_code, 0) << warned.err;
  EXPECT_NE(warned.err.find("warning: /actions/a/repeat"), std::string::npos) << warned.err;
  EXPECT_NE(warned.out.find("ok (program \"Busy\"), with warnings"), std::string::npos)
      << warned.out;
}

}  // namespace
}  // namespace fidelis

namespace fidelis {
namespace {

// Each member has a referral code; a friend who joins with it is linked to them.
TEST_F(Cli, MemberShowGivesTheReferralCodeAndTheReferralsStatus) {
  const std::string program = write_file("referrals.json", R"({"name": "R",
    "earning": {"rates": {"EUR": {"points": 1, "per": "1.00"}}}, "pending": {"days": 14},
    "referrals": {"referrer_points": 500, "referee_points": 250, "terms": "t"}})");
  ASSERT_EQ(run("--db " + db_ + " program activate " + program).exit_code, 0);
  ASSERT_EQ(
      run("--db " + db_ + " ingest -",
          R"({"id":"e1","type":"member.enrolled","member":"p1","occurred_at":"2025-03-01T10:00:00Z"})"
          "\n")
          .exit_code,
      0);
  const Outcome parent = run("--db " + db_ + " member show p1 --json");
  const auto at = parent.out.find(R"("referral":{"code":"R-)");
  ASSERT_NE(at, std::string::npos) << parent.out;
  const std::string code = parent.out.substr(at + 20, 12);
  ASSERT_EQ(
      run("--db " + db_ + " ingest -",
          R"({"id":"e2","type":"member.enrolled","member":"r1","occurred_at":"2025-03-02T10:00:00Z","data":{"referred_by":")" +
              code + "\"}}\n")
          .exit_code,
      0);
  const Outcome child = run("--db " + db_ + " member show r1 --json");
  EXPECT_NE(child.out.find(
                R"("referred_by":{"member":"p1","status":"pending","at":"2025-03-02T10:00:00Z"})"),
            std::string::npos)
      << child.out;
  const Outcome again = run("--db " + db_ + " member show p1 --json");
  EXPECT_NE(again.out.find(R"("referees":[{"member":"r1","status":"pending")"), std::string::npos)
      << again.out;
  EXPECT_EQ(run("--db " + db_ + " replay --verify").exit_code, 0);
}

}  // namespace
}  // namespace fidelis

namespace fidelis {
namespace {

using CliBatches = test_support::CliTest;

// A new member's first events in one batch (enrolment, then an order) index their referral code
// once: the second event used to index it again, and the batch's commit failed on the codes'
// unique key, losing the whole batch.
TEST_F(CliBatches, IndexesANewMembersReferralCodeOnceWhenItsEventsShareABatch) {
  const std::string program = write_file("referrals.json", R"({"name": "R",
    "earning": {"rates": {"EUR": {"points": 1, "per": "1.00"}}}, "pending": {"days": 14},
    "referrals": {"referrer_points": 500, "referee_points": 250, "terms": "t"}})");
  ASSERT_EQ(run("--db " + db_ + " program activate " + program).exit_code, 0);
  const auto ingested = run(
      "--db " + db_ + " ingest -",
      R"({"id":"e1","type":"member.enrolled","member":"p1","occurred_at":"2025-03-01T10:00:00Z"})"
      "\n"
      R"({"id":"e2","type":"order.placed","member":"p1","occurred_at":"2025-03-01T10:00:00Z","data":{"order_id":"o1","currency":"EUR","lines":[{"sku":"A","quantity":1,"unit_price":"10.00"}]}})"
      "\n");
  ASSERT_EQ(ingested.exit_code, 0) << ingested.err;
  EXPECT_NE(run("--db " + db_ + " member show p1 --json").out.find(R"("referral":{"code":"R-)"),
            std::string::npos);
  EXPECT_EQ(run("--db " + db_ + " replay --verify").exit_code, 0);
}

}  // namespace
}  // namespace fidelis
