// Runs every tests/scenarios/*.scn file against the real engine on a real SQLite file, then
// checks that replaying the stored events rebuilds exactly the stored state. The format is in
// tests/scenarios/README.md; a new case needs no C++.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/engine.h"
#include "store/sqlite/sqlite_store.h"

namespace fidelis {
namespace {

namespace fs = std::filesystem;

fs::path source_dir() {
  const char* dir = std::getenv("FIDELIS_SOURCE_DIR");
  return dir != nullptr ? fs::path(dir) : fs::path(FIDELIS_SOURCE_DIR_DEFAULT);
}

std::vector<fs::path> scenario_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(source_dir() / "tests" / "scenarios")) {
    if (entry.path().extension() == ".scn") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_all(const fs::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::vector<std::string> split(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  std::string word;
  while (in >> word) words.push_back(word);
  return words;
}

std::string strip_comment(const std::string& line) {
  // " #" starts a comment; inside JSON a '#' is never preceded by a space in our files.
  const std::size_t hash = line.find(" #");
  std::string kept = line.rfind('#', 0) == 0 ? "" : line.substr(0, hash);
  while (!kept.empty() && (kept.back() == ' ' || kept.back() == '\r')) kept.pop_back();
  return kept;
}

// "SEQ KIND +POINTS", or "SEQ KIND credit+MINOR" for a store credit line.
std::string describe(const domain::LedgerLine& line) {
  const bool credit = line.credit != 0 && line.points == 0;
  const std::int64_t amount = credit ? line.credit : line.points;
  return std::to_string(line.seq) + " " + std::string(domain::line_kind_name(line.kind)) + " " +
         (credit ? "credit" : "") + (amount >= 0 ? "+" : "") + std::to_string(amount);
}

class ScenarioRunner {
 public:
  explicit ScenarioRunner(const fs::path& file) : file_(file) {
    db_ = fs::temp_directory_path() /
          ("fidelis-scenario-" + std::to_string(::getpid()) + "-" + file.stem().string() + ".db");
    remove_db();
    store_ = std::move(store::open_sqlite(db_.string())).value();
    engine_ = std::make_unique<engine::Engine>(*store_);
  }
  ~ScenarioRunner() {
    engine_.reset();
    store_.reset();
    remove_db();
  }

  void run() {
    std::istringstream in(read_all(file_));
    std::string raw;
    while (std::getline(in, raw)) {
      ++line_;
      const std::string line = strip_comment(raw);
      if (line.empty()) continue;
      SCOPED_TRACE(file_.filename().string() + ":" + std::to_string(line_) + ": " + line);
      const auto words = split(line);
      const std::string& verb = words[0];
      if (verb == "program" || verb == "program-from") {
        std::optional<core::Timestamp> from;
        std::size_t next = 1;
        if (verb == "program-from") from = *core::parse_rfc3339(words[next++]);
        std::string definition;
        if (words.at(next) == "{") {
          definition = "{";
          while (std::getline(in, raw)) {
            ++line_;
            definition += "\n" + raw;
            if (raw == "}") break;
          }
        } else {
          definition = read_all(source_dir() / words[next]);
        }
        auto version = engine_->activate_program("default", definition, from, core::Timestamp{0});
        ASSERT_TRUE(version.ok()) << version.error().where << ": " << version.error().message;
      } else if (verb == "event") {
        submit(with_codes(line.substr(6)), in);
      } else if (verb == "redeem") {
        redeem(words, in);
      } else if (verb == "next-yearly") {
        // next-yearly MEMBER birthday|first_purchase_anniversary|program_anniversary TIME|none
        domain::MemberState state = member(words.at(1));
        const std::map<std::string, domain::Yearly> kinds = {
            {"birthday", domain::Yearly::birthday},
            {"first_purchase_anniversary", domain::Yearly::purchase_anniversary},
            {"program_anniversary", domain::Yearly::program_anniversary}};
        const auto& timer = domain::yearly_timer(state, kinds.at(words.at(2)));
        EXPECT_EQ(timer ? core::format_rfc3339(*timer) : "none", words.at(3)) << "line " << line_;
      } else if (verb == "membership") {
        const domain::MemberState state = member(words.at(1));
        const std::string have =
            state.membership ? std::string(domain::membership_status_name(state.membership->status))
                             : "none";
        EXPECT_EQ(have, words.at(2)) << "line " << line_;
      } else if (verb == "referral") {
        check_referral(words);
      } else if (verb == "referees") {
        check_referees(words);
      } else if (verb == "referral-code") {
        auto code = engine_->referral_code("default", words.at(1));
        ASSERT_TRUE(code.ok());
        codes_[words.at(2)] = *code;
      } else if (verb == "tier") {
        check_tier(words);
      } else if (verb == "codes") {
        check_codes(words);
      } else if (verb == "stock") {
        auto outstanding = store_->reward_outstanding("default", words.at(1));
        ASSERT_TRUE(outstanding.ok());
        EXPECT_EQ(*outstanding, std::stoll(words.at(2))) << "line " << line_;
      } else if (verb == "tick") {
        auto result = engine_->tick("default", *core::parse_rfc3339(words.at(1)));
        ASSERT_TRUE(result.ok()) << result.error().message;
      } else if (verb == "balance") {
        check_balance(words);
      } else if (verb == "next-expiry") {
        check_next_expiry(words);
      } else if (verb == "badges") {
        check_badges(words);
      } else if (verb == "mission") {
        check_mission(words);
      } else if (verb == "consents") {
        check_consents(words);
      } else if (verb == "tickets") {
        const domain::MemberState state = member(words.at(1));
        EXPECT_EQ(state.tickets, std::stoll(words.at(2))) << "line " << line_;
        std::vector<std::string> have;
        for (const auto& ticket : state.recent_tickets) have.push_back(ticket.ticket_id);
        EXPECT_EQ(have, std::vector<std::string>(words.begin() + 3, words.end()))
            << "line " << line_;
      } else if (verb == "ledger") {
        check_ledger(words.at(1), in);
      } else {
        FAIL() << "unknown verb " << verb;
      }
      if (::testing::Test::HasFatalFailure()) return;
    }
    auto report = engine::verify_replay(*store_, "default");
    ASSERT_TRUE(report.ok());
    for (const auto& difference : report->differences) ADD_FAILURE() << "replay: " << difference;
  }

 private:
  void remove_db() {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db_.string() + suffix);
  }

  // `$NAME` in an event stands for the code `redeem … NAME` was given. Names are replaced in
  // reverse order so that "$c10" is never read as "$c1" followed by "0".
  std::string with_codes(std::string json) const {
    for (auto it = codes_.rbegin(); it != codes_.rend(); ++it) {
      const auto& [name, code] = *it;
      const std::string placeholder = "$" + name;
      for (auto at = json.find(placeholder); at != std::string::npos;
           at = json.find(placeholder, at + code.size())) {
        json.replace(at, placeholder.size(), code);
      }
    }
    return json;
  }

  // `event JSON`, optionally followed by `expect STATUS [CODE POINTER]...`; without it the event
  // must be accepted.
  void submit(const std::string& json, std::istringstream& in) {
    ASSERT_TRUE(engine_->begin_batch().ok());
    const engine::SubmitResult result = engine_->submit(json, "default");
    ASSERT_TRUE(engine_->commit_batch().ok());
    check_outcome(result, in);
  }

  // `redeem MEMBER REWARD TIME NAME`: the code drawn is remembered as NAME; an `expect` line may
  // follow, as for events.
  void redeem(const std::vector<std::string>& words, std::istringstream& in) {
    auto redeemed =
        engine_->redeem("default", words.at(1), words.at(2), *core::parse_rfc3339(words.at(3)));
    engine::SubmitResult result;
    if (redeemed.ok()) {
      result.outcome = engine::Outcome::accepted;
      codes_[words.at(4)] = redeemed->redemption.code;
    } else {
      result.errors = redeemed.errors();
    }
    check_outcome(result, in);
  }

  // `codes MEMBER NAME=STATUS …`: the status of each named code the member holds.
  void check_codes(const std::vector<std::string>& words) {
    const domain::MemberState state = member(words.at(1));
    for (std::size_t i = 2; i < words.size(); ++i) {
      const std::size_t equals = words[i].find('=');
      const std::string name = words[i].substr(0, equals);
      ASSERT_TRUE(codes_.count(name)) << "line " << line_ << ": no code named " << name;
      const domain::Redemption* redemption = state.redemption(codes_[name]);
      ASSERT_NE(redemption, nullptr) << "line " << line_ << ": member lacks code " << name;
      EXPECT_EQ(domain::code_status_name(redemption->status), words[i].substr(equals + 1))
          << "line " << line_ << ": " << name;
    }
  }

  // `referral MEMBER STATUS [reason=WORDS_WITH_UNDERSCORES]`: how the member was referred.
  void check_referral(const std::vector<std::string>& words) {
    const domain::MemberState state = member(words.at(1));
    ASSERT_TRUE(state.referral.has_value()) << "line " << line_ << ": no referral";
    EXPECT_EQ(domain::referral_status_name(state.referral->status), words.at(2))
        << "line " << line_;
    if (words.size() > 3) {
      std::string reason = words[3].substr(words[3].find('=') + 1);
      for (char& c : reason) c = c == '_' ? ' ' : c;
      EXPECT_EQ(state.referral->reason, reason) << "line " << line_;
    }
  }

  // `referees MEMBER REFEREE=STATUS …`: exactly these referees, in the order they joined.
  void check_referees(const std::vector<std::string>& words) {
    std::vector<std::string> have;
    for (const auto& referee : member(words.at(1)).referees) {
      have.push_back(referee.member + "=" +
                     std::string(domain::referral_status_name(referee.status)));
    }
    const std::vector<std::string> want(words.begin() + 2, words.end());
    EXPECT_EQ(have, want) << "line " << line_;
  }

  // `tier MEMBER ID|none [since=TIME] [grace=TIME]`: the member's tier (none: below the lowest
  // level), and when given, since when and the end of a running grace period.
  void check_tier(const std::vector<std::string>& words) {
    const domain::MemberState state = member(words.at(1));
    const std::string have = state.tier && !state.tier->id.empty() ? state.tier->id : "none";
    EXPECT_EQ(have, words.at(2)) << "line " << line_;
    bool grace_checked = false;
    for (std::size_t i = 3; i < words.size(); ++i) {
      const std::size_t equals = words[i].find('=');
      const std::string name = words[i].substr(0, equals);
      const std::string want = words[i].substr(equals + 1);
      ASSERT_TRUE(state.tier.has_value()) << "line " << line_;
      if (name == "since") {
        EXPECT_EQ(core::format_rfc3339(state.tier->since), want) << "line " << line_;
      } else if (name == "grace") {
        grace_checked = true;
        ASSERT_TRUE(state.tier->grace_until.has_value()) << "line " << line_ << ": no grace";
        EXPECT_EQ(core::format_rfc3339(*state.tier->grace_until), want) << "line " << line_;
      } else {
        ADD_FAILURE() << "line " << line_ << ": unknown tier field " << name;
      }
    }
    if (!grace_checked && state.tier) {
      EXPECT_FALSE(state.tier->grace_until.has_value()) << "line " << line_ << ": in grace";
    }
  }

  void check_outcome(const engine::SubmitResult& result, std::istringstream& in) {
    std::vector<std::string> expected = {"expect", "accepted"};
    const auto position = in.tellg();
    std::string raw;
    if (std::getline(in, raw) && split(strip_comment(raw)).size() > 0 &&
        split(strip_comment(raw))[0] == "expect") {
      ++line_;
      expected = split(strip_comment(raw));
    } else {
      in.clear();
      in.seekg(position);
    }
    std::string errors;
    for (const auto& error : result.errors) {
      errors += " " + std::string(core::error_code_name(error.code)) + " " +
                (error.where.empty() ? "-" : error.where) + " (" + error.message + ")";
    }
    EXPECT_EQ(std::string(engine::outcome_name(result.outcome)), expected.at(1))
        << "line " << line_ << ":" << errors;
    // Expected errors come in pairs: code and pointer ("-" for none), in the reported order;
    // when any are listed, they must be all the errors reported.
    if (expected.size() > 2) {
      EXPECT_EQ(result.errors.size(), (expected.size() - 2) / 2)
          << "line " << line_ << ":" << errors;
    }
    for (std::size_t i = 2, k = 0; i + 1 < expected.size(); i += 2, ++k) {
      ASSERT_LT(k, result.errors.size()) << "line " << line_ << ": fewer errors than expected";
      EXPECT_EQ(core::error_code_name(result.errors[k].code), expected[i]) << "line " << line_;
      EXPECT_EQ(result.errors[k].where.empty() ? "-" : result.errors[k].where, expected[i + 1])
          << "line " << line_;
    }
  }

  domain::MemberState member(const std::string& id) {
    auto state = store_->member("default", id);
    EXPECT_TRUE(state.ok());
    if (!state.ok() || !*state) {
      ADD_FAILURE() << "line " << line_ << ": no member " << id;
      return domain::MemberState{};
    }
    return **state;
  }

  // `balance MEMBER available=N pending=N debt=N earned=N spent=N expired=N reversed=N`
  void check_balance(const std::vector<std::string>& words) {
    const domain::MemberState state = member(words.at(1));
    state.check_invariants();
    for (std::size_t i = 2; i < words.size(); ++i) {
      const std::size_t equals = words[i].find('=');
      const std::string name = words[i].substr(0, equals);
      const long long want = std::stoll(words[i].substr(equals + 1));
      long long have = 0;
      if (name == "available")
        have = state.available();
      else if (name == "pending")
        have = state.pending();
      else if (name == "debt")
        have = state.debt;
      else if (name == "earned")
        have = state.earned;
      else if (name == "spent")
        have = state.spent;
      else if (name == "expired")
        have = state.expired;
      else if (name == "reversed")
        have = state.reversed;
      else if (name == "credit_available")  // store credit, minor units
        have = state.wallet.available;
      else if (name == "credit_pending")
        have = state.wallet.pending_total();
      else if (name == "credit_spent")
        have = state.wallet.spent;
      else if (name == "credit_reversed")
        have = state.wallet.reversed;
      else
        ADD_FAILURE() << "line " << line_ << ": unknown balance " << name;
      EXPECT_EQ(have, want) << "line " << line_ << ": " << name;
    }
  }

  // `next-expiry MEMBER POINTS TIME` or `next-expiry MEMBER none`
  void check_next_expiry(const std::vector<std::string>& words) {
    const auto next = member(words.at(1)).next_expiry();
    if (words.at(2) == "none") {
      EXPECT_FALSE(next.has_value()) << "line " << line_;
      return;
    }
    ASSERT_TRUE(next.has_value()) << "line " << line_;
    EXPECT_EQ(next->points, std::stoll(words.at(2))) << "line " << line_;
    EXPECT_EQ(core::format_rfc3339(next->at), words.at(3)) << "line " << line_;
  }

  // `badges MEMBER [ID…]`: exactly these badges, in the order awarded.
  void check_badges(const std::vector<std::string>& words) {
    std::vector<std::string> have;
    for (const auto& badge : member(words.at(1)).badges) have.push_back(badge.id);
    const std::vector<std::string> want(words.begin() + 2, words.end());
    EXPECT_EQ(have, want) << "line " << line_;
  }

  // `mission MEMBER ID count=N completed=N started=TIME|none completed_at=TIME|none`: the
  // member's progress on one mission (`none` everywhere when it has none).
  void check_mission(const std::vector<std::string>& words) {
    const domain::MemberState state = member(words.at(1));
    const auto it = std::find_if(state.missions.begin(), state.missions.end(),
                                 [&](const auto& p) { return p.mission == words.at(2); });
    const auto time = [](const std::optional<core::Timestamp>& at) {
      return at ? core::format_rfc3339(*at) : std::string("none");
    };
    std::string have = "none";
    if (it != state.missions.end()) {
      have = "count=" + std::to_string(it->count) + " completed=" + std::to_string(it->completed) +
             " started=" + time(it->started_at) + " completed_at=" + time(it->completed_at);
    }
    std::string want;
    for (std::size_t i = 3; i < words.size(); ++i) want += (i > 3 ? " " : "") + words[i];
    EXPECT_EQ(have, want) << "line " << line_;
  }

  // `consents MEMBER [TOPIC=granted|withdrawn@TIME…]`: exactly these, by topic.
  void check_consents(const std::vector<std::string>& words) {
    std::vector<std::string> have;
    for (const auto& consent : member(words.at(1)).consents) {
      have.push_back(consent.topic + (consent.granted ? "=granted@" : "=withdrawn@") +
                     core::format_rfc3339(consent.at));
    }
    const std::vector<std::string> want(words.begin() + 2, words.end());
    EXPECT_EQ(have, want) << "line " << line_;
  }

  // `ledger MEMBER`, then one line per ledger line until `end`:
  //   SEQ KIND POINTS [lots=ID:PTS,ID:PTS] [rule=RULE] [waived=N] [at=TIME] [event=ID]
  // The member's ledger must have exactly these lines.
  void check_ledger(const std::string& id, std::istringstream& in) {
    auto lines = store_->ledger("default", id, 0, 100000);
    ASSERT_TRUE(lines.ok());
    std::string raw;
    std::size_t index = 0;
    while (std::getline(in, raw)) {
      ++line_;
      const std::string text = strip_comment(raw);
      if (text.empty()) continue;
      const auto words = split(text);
      if (words[0] == "end") break;
      if (index >= lines->size()) {
        ADD_FAILURE() << "line " << line_ << ": ledger has only " << lines->size() << " lines";
        continue;
      }
      const domain::LedgerLine& actual = (*lines)[index++];
      EXPECT_EQ(describe(actual), words.at(0) + " " + words.at(1) + " " + words.at(2))
          << "line " << line_;
      for (std::size_t i = 3; i < words.size(); ++i) {
        const std::size_t equals = words[i].find('=');
        const std::string name = words[i].substr(0, equals);
        const std::string want = words[i].substr(equals + 1);
        std::string have;
        if (name == "lots") {
          for (const auto& touch : actual.lots) {
            if (!have.empty()) have += ",";
            have += std::to_string(touch.lot) + ":" + (touch.points >= 0 ? "+" : "") +
                    std::to_string(touch.points);
          }
        } else if (name == "rule") {
          have = actual.rule;
        } else if (name == "waived") {
          have = std::to_string(actual.waived);
        } else if (name == "at") {
          have = core::format_rfc3339(actual.at);
        } else if (name == "event") {
          have = actual.event;
        } else {
          ADD_FAILURE() << "line " << line_ << ": unknown ledger field " << name;
        }
        EXPECT_EQ(have, want) << "line " << line_ << ": " << name;
      }
    }
    EXPECT_EQ(index, lines->size()) << "line " << line_ << ": ledger has more lines, next: "
                                    << (index < lines->size() ? describe((*lines)[index]) : "");
  }

  fs::path file_;
  fs::path db_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<engine::Engine> engine_;
  std::map<std::string, std::string> codes_;  // name given in the file -> code drawn
  int line_ = 0;
};

class Scenario : public ::testing::TestWithParam<fs::path> {};

TEST_P(Scenario, Holds) { ScenarioRunner(GetParam()).run(); }

INSTANTIATE_TEST_SUITE_P(Files, Scenario, ::testing::ValuesIn(scenario_files()),
                         [](const auto& param_info) {
                           std::string name = param_info.param.stem().string();
                           for (auto& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace fidelis
