// What the engine benchmarks share: the generated shop they run on and how they report memory.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace fidelis::bench {

// The first `events` events of a generated shop "bench" with `members` members, from
// 2025-01-01 (sim::generate_shop's default seed: the same workload on every run).
std::vector<std::string> generate_events(std::size_t members, std::size_t events);

// The basic program the benchmarks ingest under: 1 point per unit, 14 days pending, lot expiry.
extern const char* const kBasicProgram;
// The draft the simulation benchmarks replay: twice the points, expiry after 180 days with
// notices, spend tiers.
extern const char* const kDraftProgram;

// Peak resident memory of this process so far.
long peak_rss_mib();

// User and system CPU seconds this process has used so far, all threads.
struct CpuSeconds {
  double user = 0, system = 0;
  double total() const { return user + system; }
};
CpuSeconds cpu_seconds();

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start);

// Prints "PROGRAM: WHAT" on stderr and exits with 1.
[[noreturn]] void fail(const char* program, const std::string& what);

}  // namespace fidelis::bench
