// simulate(): the stored history replayed under the live versions and under a draft, side by
// side, with the same domain code and shop rules as live (nothing here decides a rule).
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "core/json_reader.h"
#include "engine/engine.h"
#include "engine/replayer.h"

namespace fidelis::engine {
namespace {

constexpr std::size_t kRefusalsKept = 10;
constexpr std::size_t kPagesQueued = 4;  // pages the live run may be ahead of the draft run

// One run of the simulation: the program versions it applies, and its replayer.
struct Run {
  std::vector<store::ProgramVersion> versions;
  std::vector<domain::Program> programs;  // parsed `versions`, for the point value too
  std::unique_ptr<Replayer> replayer;
  std::size_t fed = 0;  // inputs before `to`
  bool stopped = false;
};

// A page of the input log with each event parsed and numbered once, for both runs.
struct ParsedInput {
  const store::StoredInput* input;
  core::Result<domain::Event> event;  // parse_input()
  EventKeys keys;
};
struct Page {
  std::vector<store::StoredInput> inputs;
  std::vector<ParsedInput> parsed;
};

// Feeds a page to one run; `refused` says whether to go on after an input the run cannot apply.
template <typename Refused>
void feed(Run& run, const Page& page, std::optional<core::Timestamp> to, const Refused& refused) {
  const std::size_t count = page.parsed.size();
  for (std::size_t i = 0; i < count; ++i) {
    run.replayer->prefetch_ahead(i, count, [&page](std::size_t j) { return page.parsed[j].keys; });
    const auto& [input, event, keys] = page.parsed[i];
    if (run.stopped || (to && input->at >= *to)) continue;
    ++run.fed;
    const core::Status applied = run.replayer->feed(*input, event, keys);
    if (!applied.ok()) run.stopped = !refused(*input, applied.error());
  }
}

// Replays the shop's inputs up to `to` into both runs, side by side: the draft run on a second
// thread, fed the pages the live run read, each event parsed once (the domain is pure, and each
// run has its own replayer).
// The live run takes the version each event recorded, which must still apply; the draft run the
// version in force at the event's time, and may refuse events (a reward the draft lacks).
core::Status replay_both(store::Store& live, const std::string& shop, Run& live_run, Run& draft_run,
                         std::optional<core::Timestamp> to, SimulationReport& report) {
  std::optional<core::Error> broken;
  auto live_refused = [&](const store::StoredInput& input, const core::Error& error) {
    broken = core::make_error(core::ErrorCode::storage_error,
                              "input " + std::to_string(input.seq) +
                                  " no longer replays under its own version: " + error.message +
                                  " (run replay --verify)");
    return false;
  };
  auto draft_refused = [&](const store::StoredInput& input, const core::Error& error) {
    ++report.refused;
    if (report.refusals.size() < kRefusalsKept) {
      report.refusals.push_back("event " + input.event_id + ": " + error.message);
    }
    return true;
  };
  // The draft thread takes pages from a short queue, so that neither run waits for the other
  // at every page (the draft run usually does more work per event).
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::shared_ptr<const Page>> queue;
  bool done = false;
  std::thread draft_thread([&] {
    for (;;) {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return !queue.empty() || done; });
      if (queue.empty()) return;
      std::shared_ptr<const Page> page = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      changed.notify_all();
      feed(draft_run, *page, to, draft_refused);
    }
  });
  core::JsonParser parser;
  KeyNumbers numbers;
  auto feed_both = [&](std::vector<store::StoredInput>&& read) -> core::Status {
    auto page = std::make_shared<Page>();
    page->inputs = std::move(read);
    page->parsed.reserve(page->inputs.size());
    for (const auto& input : page->inputs) {
      core::Result<domain::Event> event = parse_input(parser, input, shop);
      const EventKeys keys = numbers.number(event);
      page->parsed.push_back({&input, std::move(event), keys});
    }
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return queue.size() < kPagesQueued; });
      queue.push_back(page);
    }
    changed.notify_all();
    feed(live_run, *page, to, live_refused);
    return core::Ok{};
  };
  const core::Status read = store::for_each_input_page(live, shop, feed_both);
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  changed.notify_all();
  draft_thread.join();
  FIDELIS_CHECK(read);
  report.inputs = live_run.fed;
  if (broken) return *broken;
  return core::Ok{};
}

SimulationTotals totals(const Run& run) {
  SimulationTotals totals = run.replayer->totals();
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
  // The live run has the live versions; the draft run the live versions that start before
  // `from`, then the draft from `from` (or alone, from the beginning).
  int number = 0;
  for (const auto& version : versions) {
    FIDELIS_TRY(domain::Program program, domain::parse_program(parser, version.definition));
    live_run.versions.push_back(version);
    live_run.programs.push_back(program);
    const bool before_draft = from && (!version.applies_from || *version.applies_from < *from);
    if (before_draft) {
      store::ProgramVersion kept = version;
      kept.version = ++number;
      draft_run.versions.push_back(std::move(kept));
      draft_run.programs.push_back(std::move(program));
    }
  }
  store::ProgramVersion draft_version;
  draft_version.version = ++number;
  draft_version.applies_from = number == 1 ? std::nullopt : from;
  draft_version.definition = std::string(draft);
  draft_run.versions.push_back(std::move(draft_version));
  draft_run.programs.push_back(draft_program);
  for (Run* run : {&live_run, &draft_run}) {
    run->replayer = std::make_unique<Replayer>(
        secret.value_or(""), run->versions, run->programs,
        Replayer::Options{.by_time = run == &draft_run, .from = from, .to = to});
  }

  SimulationReport report;
  FIDELIS_CHECK(replay_both(live, shop, live_run, draft_run, to, report));
  report.live = totals(live_run);
  report.draft = totals(draft_run);
  const Replayer& live_replay = *live_run.replayer;
  const Replayer& draft_replay = *draft_run.replayer;
  // Both runs number members alike (one KeyNumbers).
  for (const std::uint32_t member : live_replay.joined()) {
    const domain::MemberState& state = *live_replay.member(member);
    const domain::MemberState* other = draft_replay.member(member);
    const bool same = other != nullptr && other->available() == state.available() &&
                      other->pending() == state.pending() && other->earned == state.earned &&
                      other->tier == state.tier;
    if (!same) ++report.members_affected;
  }
  for (const std::uint32_t member : draft_replay.joined()) {
    if (live_replay.member(member) == nullptr) ++report.members_affected;
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace fidelis::engine
