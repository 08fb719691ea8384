// Ingest and read benchmark. Generates a shop (default 100k members, the first 1M events), then:
//   1. group commit: events through the engine into a fresh SQLite file (WAL, synchronous=FULL),
//      committed in batches; durable at every commit;
//   2. baseline in the same run: one transaction per event, on the first --baseline-events;
//   3. member state reads from the SQLite store, random members, in-process.
// Prints a table; docs/performance.md records the results and how to reproduce them.
#include <dlfcn.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/allocator.h"
#include "engine/engine.h"
#include "store/sqlite/sqlite_store.h"
#include "workload.h"

namespace {

using namespace fidelis;
using Clock = std::chrono::steady_clock;

struct Options {
  std::size_t members = 100'000;
  std::size_t events = 1'000'000;
  std::size_t batch = 1000;
  std::size_t baseline_events = 20'000;
  std::size_t reads = 1'000'000;
  std::string dir = "/tmp";
  std::string modes = "group,piped,single,reads";  // which parts to run, comma-separated
  bool keep = false;  // --keep 1: leave the databases in --dir for inspection (dbstat)
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const std::size_t value = std::strtoull(argv[i + 1], nullptr, 10);
    if (name == "--members")
      options.members = value;
    else if (name == "--events")
      options.events = value;
    else if (name == "--batch")
      options.batch = value;
    else if (name == "--baseline-events")
      options.baseline_events = value;
    else if (name == "--reads")
      options.reads = value;
    else if (name == "--dir")
      options.dir = argv[i + 1];
    else if (name == "--modes")
      options.modes = argv[i + 1];
    else if (name == "--keep")
      options.keep = value != 0;
    else {
      std::fprintf(stderr, "unknown option %s\n", name.c_str());
      std::exit(1);
    }
  }
  return options;
}

std::string fresh_db(const Options& options, const std::string& name) {
  const std::string path = options.dir + "/fidelis-bench-" + name + ".db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return path;
}

struct Run {
  double seconds = 0;
  double submit_seconds = 0;  // parse, idempotency and order lookups, domain
  double commit_seconds = 0;  // writing and syncing the batches
  double close_seconds = 0;   // closing the database (final checkpoint)
  std::size_t accepted = 0;
  std::size_t rejected = 0;
};

Run ingest(const std::string& path, const std::vector<std::string>& events, std::size_t count,
           std::size_t batch, bool pipelined = false) {
  auto store = std::move(store::open_sqlite(path)).value();
  auto owned_engine = std::make_unique<engine::Engine>(*store);
  engine::Engine& engine = *owned_engine;
  if (pipelined) engine.enable_pipeline(std::move(store::open_sqlite(path)).value());
  if (!engine.activate_program("bench", bench::kBasicProgram, std::nullopt, core::Timestamp{0})
           .ok()) {
    std::abort();
  }
  Run run;
  const auto start = Clock::now();
  for (std::size_t i = 0; i < count; ++i) {
    if (!engine.in_batch() && !engine.begin_batch().ok()) std::abort();
    const auto submit_start = Clock::now();
    const auto result = engine.submit(events[i], "bench");
    run.submit_seconds += std::chrono::duration<double>(Clock::now() - submit_start).count();
    (result.outcome == engine::Outcome::accepted ? run.accepted : run.rejected)++;
    if (engine.batch_events() >= batch) {
      const auto commit_start = Clock::now();
      if (!(pipelined ? engine.commit_batch_async() : engine.commit_batch()).ok()) std::abort();
      run.commit_seconds += std::chrono::duration<double>(Clock::now() - commit_start).count();
    }
  }
  const auto commit_start = Clock::now();
  if (engine.in_batch() && !engine.commit_batch().ok()) std::abort();
  run.commit_seconds += std::chrono::duration<double>(Clock::now() - commit_start).count();
  // Closing counts too: the last connection to close checkpoints what is left in the WAL.
  const auto close_start = Clock::now();
  owned_engine.reset();
  store.reset();
  run.close_seconds = std::chrono::duration<double>(Clock::now() - close_start).count();
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return run;
}

// Which malloc the process runs on (decision 0021): jemalloc exports mallctl, glibc does not.
const char* allocator() {
  return dlsym(RTLD_DEFAULT, "mallctl") != nullptr ? "jemalloc" : "glibc malloc";
}

void remove_databases(const Options& options) {
  if (options.keep) return;
  for (const char* name : {"group", "single", "piped"}) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(options.dir + "/fidelis-bench-" + name + ".db" + suffix);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  const std::vector<std::string> events = bench::generate_events(options.members, options.events);
  std::size_t orders = 0;
  for (const auto& event : events) orders += event.find("\"order.placed\"") != std::string::npos;
  // As `fidelis ingest` does before its batches.
  const bool retained = core::retain_freed_memory();
  std::printf("workload: %zu events (%zu order.placed) over %zu members; %s%s\n", events.size(),
              orders, options.members, allocator(),
              retained ? ", freed memory kept for reuse" : "");

  auto wanted = [&](std::string_view mode) {
    return ("," + options.modes + ",").find("," + std::string(mode) + ",") != std::string::npos;
  };
  auto rate_of = [](const Run& run) {
    return static_cast<double>(run.accepted + run.rejected) / run.seconds;
  };
  Run group, piped, single;
  if (wanted("group")) {
    group = ingest(fresh_db(options, "group"), events, events.size(), options.batch);
    std::printf(
        "group commit (batch %zu, synchronous=FULL): %zu events in %.2f s = %.0f events/s"
        " (%zu rejected; %.2f s in submit, %.2f s in commit, %.2f s closing)\n",
        options.batch, group.accepted + group.rejected, group.seconds, rate_of(group),
        group.rejected, group.submit_seconds, group.commit_seconds, group.close_seconds);
  }
  if (wanted("piped")) {
    piped = ingest(fresh_db(options, "piped"), events, events.size(), options.batch, true);
    std::printf(
        "pipelined group commit (batch %zu, synchronous=FULL): %.2f s = %.0f events/s "
        "(%.2f s preparing, %.2f s waiting for the writer, %.2f s closing)\n",
        options.batch, piped.seconds, rate_of(piped), piped.submit_seconds, piped.commit_seconds,
        piped.close_seconds);
  }
  if (wanted("single")) {
    const std::size_t baseline_count = std::min(options.baseline_events, events.size());
    single = ingest(fresh_db(options, "single"), events, baseline_count, 1);
    std::printf("baseline, one transaction per event (first %zu events): %.2f s = %.0f events/s\n",
                baseline_count, single.seconds, rate_of(single));
    if (wanted("group"))
      std::printf("ratio group/baseline: %.1fx\n", rate_of(group) / rate_of(single));
    if (wanted("piped")) {
      std::printf("ratio pipelined/baseline: %.1fx\n", rate_of(piped) / rate_of(single));
    }
  }
  if (!wanted("reads") || !wanted("group")) {
    std::printf("peak memory: %ld MiB\n", bench::peak_rss_mib());
    remove_databases(options);
    return 0;
  }

  // Reads: random members, from the SQLite store (one thread, then two threads with a connection
  // each) and through the engine's in-memory cache (what a long-running server does).
  std::vector<std::string> ids;
  for (std::size_t i = 1; i <= options.members; ++i) {
    char id[24];
    std::snprintf(id, sizeof id, "m-%06zu", i);
    ids.emplace_back(id);
  }
  const std::string group_db = options.dir + "/fidelis-bench-group.db";
  auto read_store = [&](std::size_t reads, std::uint64_t seed) {
    auto store = std::move(store::open_sqlite(group_db)).value();
    std::mt19937_64 random(seed);
    std::size_t found = 0;
    for (std::size_t i = 0; i < reads; ++i) {
      auto state = store->member("bench", ids[random() % ids.size()]);
      found += state.ok() && *state ? 1 : 0;
    }
    return found;
  };
  auto rate = [](std::size_t reads, Clock::time_point start) {
    return static_cast<double>(reads) / std::chrono::duration<double>(Clock::now() - start).count();
  };
  auto start = Clock::now();
  const std::size_t found = read_store(options.reads, 7);
  std::printf("member state reads, SQLite store, 1 thread: %.0f reads/s (%zu of %zu found)\n",
              rate(options.reads, start), found, options.reads);
  start = Clock::now();
  std::thread other([&] { read_store(options.reads / 2, 8); });
  read_store(options.reads / 2, 9);
  other.join();
  std::printf("member state reads, SQLite store, 2 threads: %.0f reads/s\n",
              rate(options.reads, start));
  {
    auto store = std::move(store::open_sqlite(group_db)).value();
    engine::Engine engine(*store);
    for (const auto& id : ids) (void)engine.member("bench", id);  // warm the cache
    std::mt19937_64 random(10);
    domain::Points checksum = 0;
    start = Clock::now();
    for (std::size_t i = 0; i < options.reads; ++i) {
      auto state = engine.member("bench", ids[random() % ids.size()]);
      if (state.ok() && *state) checksum += (*state)->available();
    }
    std::printf("member state reads, engine cache, 1 thread: %.0f reads/s (checksum %lld)\n",
                rate(options.reads, start), static_cast<long long>(checksum));
  }
  std::printf("peak memory: %ld MiB\n", bench::peak_rss_mib());
  remove_databases(options);
  return 0;
}
