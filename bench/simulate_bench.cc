// Simulation benchmark (issue 4: "events/s of simulation over 1M events"). Generates a shop
// (default 100k members, the first 1M events), ingests it under the basic program into an
// in-memory store (the baseline in the same run: the live engine over the same events), then
// times engine::simulate() against a draft that earns twice as much and adds spend tiers.
// simulate() replays the history twice (live versions and draft, on two threads); the rates
// printed are history events per second of simulate's wall time, and per second of the CPU time
// all its threads used (what one core doing all the work would give). With --tick-hours H, the
// baseline also runs the shop's timers every H hours of event time, as a cron job would, and the
// log the simulation replays holds those ticks. With --dump DIR it only writes the shop's events
// (events.jsonl) and both programs (live.json, draft.json) there, for bench/simulate_db.sh, which
// builds a SQLite database to time `fidelis simulate` itself.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "store/memory/memory_store.h"
#include "workload.h"

namespace {

using namespace fidelis;
using bench::Clock;
using bench::seconds_since;

[[noreturn]] void fail(const std::string& what) { bench::fail("simulate_bench", what); }

struct Options {
  std::size_t members = 100'000;
  std::size_t events = 1'000'000;
  int rounds = 1;               // simulate() runs, each timed
  std::int64_t tick_hours = 0;  // 0: no ticks in the log
  std::string dump;             // a directory: write the workload there and stop
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    if (name == "--dump") {
      options.dump = argv[i + 1];
      continue;
    }
    const std::size_t value = std::strtoull(argv[i + 1], nullptr, 10);
    if (name == "--members") {
      options.members = value;
    } else if (name == "--events") {
      options.events = value;
    } else if (name == "--rounds") {
      options.rounds = static_cast<int>(value);
    } else if (name == "--tick-hours") {
      options.tick_hours = static_cast<std::int64_t>(value);
    } else {
      std::fprintf(stderr,
                   "usage: simulate_bench [--members N] [--events N] [--rounds N] "
                   "[--tick-hours H] [--dump DIR]\n");
      std::exit(2);
    }
  }
  return options;
}

// The event's occurred_at, read from the generator's canonical text.
core::Timestamp occurred_at(const std::string& event) {
  constexpr std::string_view key = "\"occurred_at\":\"";
  const std::size_t start = event.find(key);
  if (start == std::string::npos) fail("an event without occurred_at: " + event);
  const std::size_t from = start + key.size();
  const auto at =
      core::parse_rfc3339(std::string_view(event).substr(from, event.find('"', from) - from));
  if (!at.ok()) fail("an event's occurred_at does not parse: " + event);
  return *at;
}

void write_file(const std::string& path, const std::vector<std::string>& lines) {
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) fail("cannot write " + path);
  for (const auto& line : lines) {
    if (std::fputs(line.c_str(), file) < 0 || std::fputc('\n', file) < 0) fail("writing " + path);
  }
  if (std::fclose(file) != 0) fail("writing " + path);
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  const std::vector<std::string> events = bench::generate_events(options.members, options.events);
  if (!options.dump.empty()) {
    write_file(options.dump + "/events.jsonl", events);
    write_file(options.dump + "/live.json", {bench::kBasicProgram});
    write_file(options.dump + "/draft.json", {bench::kDraftProgram});
    return 0;
  }

  // Baseline: the live engine ingests the history into an in-memory store.
  auto live = store::make_memory_store();
  engine::Engine engine(*live);
  if (!engine.activate_program("bench", bench::kBasicProgram, std::nullopt, core::Timestamp{0})
           .ok()) {
    fail("the live program does not activate");
  }
  std::size_t accepted = 0, ticks = 0;
  std::optional<core::Timestamp> next_tick;
  const std::int64_t tick_micros = options.tick_hours * 3'600'000'000;
  auto start = Clock::now();
  for (const auto& event : events) {
    if (tick_micros > 0) {
      const core::Timestamp at = occurred_at(event);
      if (!next_tick) next_tick = core::Timestamp{at.micros + tick_micros};
      for (; at >= *next_tick; next_tick->micros += tick_micros) {
        if (engine.in_batch() && !engine.commit_batch().ok()) fail("commit_batch");
        if (!engine.tick("bench", *next_tick).ok()) fail("tick");
        ++ticks;
      }
    }
    if (!engine.in_batch() && !engine.begin_batch().ok()) fail("begin_batch");
    accepted += engine.submit(event, "bench").outcome == engine::Outcome::accepted;
    if (engine.batch_events() >= 10'000 && !engine.commit_batch().ok()) fail("commit_batch");
  }
  if (engine.in_batch() && !engine.commit_batch().ok()) fail("commit_batch");
  const double ingest_seconds = seconds_since(start);
  std::printf("workload: %zu events (%zu accepted) over %zu members, %zu ticks\n", events.size(),
              accepted, options.members, ticks);
  std::printf("baseline, live ingest into the memory store: %.2f s = %.0f events/s\n",
              ingest_seconds, static_cast<double>(events.size()) / ingest_seconds);

  for (int round = 1; round <= options.rounds; ++round) {
    start = Clock::now();
    const bench::CpuSeconds cpu_before = bench::cpu_seconds();
    auto report =
        engine::simulate(*live, "bench", bench::kDraftProgram, std::nullopt, std::nullopt);
    const double seconds = seconds_since(start);
    const bench::CpuSeconds cpu_after = bench::cpu_seconds();
    if (!report.ok()) fail("simulate: " + report.error().message);
    // CPU time of all threads: the rate one core would give if it did all the work.
    const double cpu = cpu_after.total() - cpu_before.total();
    std::printf(
        "simulate round %d: %zu inputs in %.2f s = %.0f events/s (two runs: %.0f applied/s); "
        "CPU %.2f s (user %.2f, system %.2f) = %.0f events/s a core; "
        "issued live %lld draft %lld, %zu members affected, %zu refused\n",
        round, report->inputs, seconds, static_cast<double>(report->inputs) / seconds,
        2.0 * static_cast<double>(report->inputs) / seconds, cpu, cpu_after.user - cpu_before.user,
        cpu_after.system - cpu_before.system, static_cast<double>(report->inputs) / cpu,
        static_cast<long long>(report->live.issued), static_cast<long long>(report->draft.issued),
        report->members_affected, report->refused);
  }
  std::printf("peak memory: %ld MiB\n", bench::peak_rss_mib());
  return 0;
}
