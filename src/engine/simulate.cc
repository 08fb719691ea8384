// simulate(): the stored history replayed under the live versions and under a draft, side by
// side, with the same engine and domain code as live (nothing here decides a rule).
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "core/json_reader.h"
#include "engine/engine.h"
#include "engine/feed_inputs.h"
#include "store/memory/memory_store.h"

namespace fidelis::engine {
namespace {

constexpr std::size_t kRefusalsKept = 10;
constexpr std::size_t kPagesQueued = 4;  // pages the live run may be ahead of the draft run

struct Run {
  std::unique_ptr<store::Store> store = store::make_memory_store();
  std::vector<domain::Program> programs;  // as the run activated them, for the point value
};

// Replays the shop's inputs up to `to` into both runs, side by side: the draft run on a second
// thread, fed the pages the live run read (each run has its own engine and store; the domain is
// pure).
// The live run takes the version each event recorded, which must still apply; the draft run the
// version in force at the event's time, and may refuse events (a reward the draft lacks).
core::Status replay_both(store::Store& live, const std::string& shop, Run& live_run, Run& draft_run,
                         std::optional<core::Timestamp> to, SimulationReport& report) {
  Engine live_engine(*live_run.store);
  Engine draft_engine(*draft_run.store);
  std::optional<core::Error> broken;
  InputFeeder live_feed(live_engine, shop, {.by_time = false, .to = to},
                        [&](const store::StoredInput& input, const core::Error& error) {
                          broken = core::make_error(
                              core::ErrorCode::storage_error,
                              "input " + std::to_string(input.seq) +
                                  " no longer replays under its own version: " + error.message +
                                  " (run replay --verify)");
                          return false;
                        });
  InputFeeder draft_feed(
      draft_engine, shop, {.by_time = true, .to = to},
      [&](const store::StoredInput& input, const core::Error& error) {
        ++report.refused;
        if (report.refusals.size() < kRefusalsKept) {
          report.refusals.push_back("event " + input.event_id + ": " + error.message);
        }
        return true;
      });
  auto feed_page = [](InputFeeder& feeder,
                      const std::vector<store::StoredInput>& page) -> core::Status {
    for (const auto& input : page) FIDELIS_CHECK(feeder.feed(input));
    return core::Ok{};
  };
  // The draft thread takes pages from a short queue, so that neither run waits for the other
  // at every page (the draft run usually does more work per event).
  using Page = std::shared_ptr<const std::vector<store::StoredInput>>;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Page> queue;
  bool done = false;
  core::Status draft_status = core::Ok{};
  std::thread draft_thread([&] {
    for (;;) {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return !queue.empty() || done; });
      if (queue.empty()) return;
      Page page = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      changed.notify_all();
      if (draft_status.ok()) draft_status = feed_page(draft_feed, *page);
    }
  });
  auto feed_both = [&](std::vector<store::StoredInput>&& read) -> core::Status {
    auto page = std::make_shared<const std::vector<store::StoredInput>>(std::move(read));
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return queue.size() < kPagesQueued; });
      queue.push_back(page);
    }
    changed.notify_all();
    return feed_page(live_feed, *page);
  };
  const core::Status read = store::for_each_input_page(live, shop, feed_both);
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  changed.notify_all();
  draft_thread.join();
  FIDELIS_CHECK(read);
  FIDELIS_CHECK(draft_status);
  FIDELIS_TRY(report.inputs, live_feed.finish());
  FIDELIS_CHECK(draft_feed.finish());
  if (broken) return *broken;
  return core::Ok{};
}

core::Result<SimulationTotals> totals(Run& run, const std::string& shop,
                                      std::optional<core::Timestamp> from,
                                      std::optional<core::Timestamp> to,
                                      std::map<std::string, domain::MemberState>& states) {
  SimulationTotals totals;
  FIDELIS_CHECK(run.store->for_each_member(
      shop, [&](const domain::MemberState& state) { states.emplace(state.member, state); }));
  for (const auto& [member, state] : states) {
    ++totals.members;
    totals.outstanding += state.available() + state.pending() - state.debt;
    ++totals.tiers[state.tier ? state.tier->id : ""];
    FIDELIS_TRY(const auto lines, run.store->ledger(shop, member, 0, SIZE_MAX));
    for (const auto& line : lines) {
      if ((from && line.at < *from) || (to && line.at >= *to)) continue;
      switch (line.kind) {
        case domain::LineKind::pending:
        case domain::LineKind::earn:
          totals.issued += line.points;
          break;
        case domain::LineKind::adjust:
          (line.points > 0 ? totals.issued : totals.reversed) +=
              line.points > 0 ? line.points : -line.points;
          break;
        case domain::LineKind::spend:
          totals.redeemed -= line.points;
          if (line.rule.starts_with("reward.")) ++totals.rewards_issued;
          break;
        case domain::LineKind::returned:
          totals.redeemed -= line.points;
          break;
        case domain::LineKind::expire:
          totals.expired -= line.points;
          break;
        case domain::LineKind::reverse:
        case domain::LineKind::debt:
          totals.reversed -= line.points;
          break;
        case domain::LineKind::release:
        case domain::LineKind::repay:
          break;
      }
    }
  }
  if (!run.programs.empty()) {
    const domain::Program& program = run.programs.back();
    totals.liability = program.value_of(totals.outstanding);
    if (auto issued = program.value_of(totals.issued); issued && totals.members > 0) {
      issued->minor /= static_cast<std::int64_t>(totals.members);
      totals.cost_per_member = issued;
    }
  }
  return totals;
}

}  // namespace

core::Result<SimulationReport> simulate(store::Store& live, const std::string& shop,
                                        std::string_view draft, std::optional<core::Timestamp> from,
                                        std::optional<core::Timestamp> to) {
  const auto started = std::chrono::steady_clock::now();
  core::JsonParser parser;
  FIDELIS_TRY(const domain::Program draft_program, domain::parse_program(parser, draft));
  FIDELIS_TRY(const auto versions, live.programs(shop));
  if (versions.empty()) {
    return core::make_error(core::ErrorCode::program_missing,
                            "shop \"" + shop + "\" has no program: nothing to simulate against");
  }
  FIDELIS_TRY(const auto secret, live.shop_secret(shop));
  Run live_run, draft_run;
  for (Run* run : {&live_run, &draft_run}) {
    store::Batch keys;
    keys.shop = shop;
    keys.new_shop_secret = secret.value_or("");
    FIDELIS_CHECK(run->store->commit_write({keys}));
  }
  // The live run has the live versions; the draft run the live versions that start before
  // `from`, then the draft from `from` (or alone, from the beginning).
  int number = 0;
  for (const auto& version : versions) {
    FIDELIS_CHECK(live_run.store->add_program(shop, version));
    FIDELIS_TRY(domain::Program program, domain::parse_program(parser, version.definition));
    live_run.programs.push_back(program);
    const bool before_draft = from && (!version.applies_from || *version.applies_from < *from);
    if (before_draft) {
      store::ProgramVersion kept = version;
      kept.version = ++number;
      FIDELIS_CHECK(draft_run.store->add_program(shop, kept));
      draft_run.programs.push_back(std::move(program));
    }
  }
  store::ProgramVersion draft_version;
  draft_version.version = ++number;
  draft_version.applies_from = number == 1 ? std::nullopt : from;
  draft_version.definition = std::string(draft);
  FIDELIS_CHECK(draft_run.store->add_program(shop, draft_version));
  draft_run.programs.push_back(draft_program);

  SimulationReport report;
  FIDELIS_CHECK(replay_both(live, shop, live_run, draft_run, to, report));
  std::map<std::string, domain::MemberState> live_states, draft_states;
  FIDELIS_TRY(report.live, totals(live_run, shop, from, to, live_states));
  FIDELIS_TRY(report.draft, totals(draft_run, shop, from, to, draft_states));
  for (const auto& [member, state] : live_states) {
    const auto it = draft_states.find(member);
    const bool same = it != draft_states.end() && it->second.available() == state.available() &&
                      it->second.pending() == state.pending() &&
                      it->second.earned == state.earned && it->second.tier == state.tier;
    if (!same) ++report.members_affected;
  }
  for (const auto& [member, state] : draft_states) {
    if (!live_states.count(member)) ++report.members_affected;
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace fidelis::engine
