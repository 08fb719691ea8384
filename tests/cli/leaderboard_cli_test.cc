// `fidelis leaderboard`: only members who opted in, under pseudonyms, by points earned in the
// program's period (credits less take-backs), equal points sharing a rank. Runs the real binary.
#include <gtest/gtest.h>

#include "support/cli_runner.h"

namespace fidelis {
namespace {

class LeaderboardCli : public test_support::CliTest {};

constexpr const char* kLeaderboardProgram = R"({
  "name": "Board",
  "earning": {"rates": {"EUR": {"points": 1, "per": "1.00"}}},
  "leaderboard": {"period": "month", "size": 3, "terms": "Opt in to appear under a pseudonym."}
})";

std::string enrol(const std::string& member, bool opt_in) {
  return R"({"id":"j-)" + member + R"(","type":"member.enrolled","member":")" + member +
         R"(","occurred_at":"2025-03-01T00:00:00Z","data":{"leaderboard":)" +
         (opt_in ? "true" : "false") + "}}\n";
}

std::string order(const std::string& id, const std::string& member, const std::string& at,
                  const std::string& price) {
  return R"({"id":")" + id + R"(","type":"order.placed","member":")" + member +
         R"(","occurred_at":")" + at + R"(","data":{"order_id":")" + id +
         R"(","currency":"EUR","lines":[{"sku":"A","quantity":1,"unit_price":")" + price +
         "\"}]}}\n";
}

TEST_F(LeaderboardCli, RanksOnlyMembersWhoOptedInUnderPseudonyms) {
  write_file("program.json", kLeaderboardProgram);
  ASSERT_EQ(run("--db " + db_ + " program activate " + (scratch_.path() / "program.json").string())
                .exit_code,
            0);
  std::string events = enrol("alice", true) + enrol("bob", true) + enrol("carol", true) +
                       enrol("dave", true) + enrol("eve", false);
  events += order("o1", "alice", "2025-03-02T00:00:00Z", "30.00");
  events += order("o2", "bob", "2025-03-03T00:00:00Z", "50.00");
  events += order("o3", "carol", "2025-03-04T00:00:00Z", "50.00");
  events += order("o4", "eve", "2025-03-05T00:00:00Z", "90.00");     // not taking part
  events += order("o5", "alice", "2025-02-20T00:00:00Z", "500.00");  // another month
  events +=
      R"({"id":"c2","type":"order.cancelled","member":"bob","occurred_at":"2025-03-06T00:00:00Z","data":{"order_id":"o2"}})"
      "\n";
  ASSERT_EQ(run("--db " + db_ + " ingest -", events).exit_code, 0);
  const auto board = run("--db " + db_ + " leaderboard --at 2025-03-31T00:00:00Z --json");
  ASSERT_EQ(board.exit_code, 0) << board.err;
  const auto alice = run("--db " + db_ + " leaderboard --at 2025-03-31T00:00:00Z");
  // carol 50, alice 30, then bob and dave at 0 share third place; size 3 keeps three entries.
  EXPECT_NE(board.out.find(R"("from":"2025-03-01T00:00:00Z","until":"2025-04-01T00:00:00Z",)"
                           R"("participants":4)"),
            std::string::npos)
      << board.out;
  EXPECT_NE(board.out.find(R"({"rank":1,"pseudonym":"Member )"), std::string::npos) << board.out;
  EXPECT_NE(board.out.find(R"("points":50},{"rank":2,)"), std::string::npos) << board.out;
  EXPECT_NE(board.out.find(R"("points":30},{"rank":3,)"), std::string::npos) << board.out;
  EXPECT_NE(board.out.find(R"("points":0}]})"), std::string::npos) << board.out;
  for (const char* name : {"alice", "bob", "carol", "dave", "eve"}) {
    EXPECT_EQ(board.out.find(name), std::string::npos) << name << " named: " << board.out;
  }
  EXPECT_NE(alice.out.find("4 members taking part"), std::string::npos) << alice.out;
  // Without a leaderboard in the program: a clear refusal.
  const std::string other = (scratch_.path() / "other.db").string();
  const std::string basic = (test_support::source_dir() / "examples/programs/basic.json").string();
  ASSERT_EQ(run("--db " + other + " program activate " + basic).exit_code, 0);
  const auto none = run("--db " + other + " leaderboard --at 2025-03-31T00:00:00Z");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no leaderboard"), std::string::npos) << none.err;
}

}  // namespace
}  // namespace fidelis
