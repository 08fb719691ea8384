#include "workload.h"

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>

#include "sim/shop_generator.h"

namespace fidelis::bench {

const char* const kBasicProgram =
    R"({"name":"bench","earning":{"rates":{"*":{"points":1,"per":"1"}}},"pending":{"days":14},)"
    R"("refunds":{"shortfall":"debt"},"expiry":{"mode":"lot","after_days":365,"notice_days":30}})";

const char* const kDraftProgram =
    R"({"name":"bench draft","earning":{"rates":{"*":{"points":2,"per":"1"}}},)"
    R"("pending":{"days":14},"refunds":{"shortfall":"debt"},)"
    R"("expiry":{"mode":"lot","after_days":180,"notice_days":30},)"
    R"("tiers":{"measure":"spend","currency":"EUR","window":{"months":12},"review":"month",)"
    R"("levels":[{"id":"bronze","name":"Bronze","threshold":"0","terms":"Everyone."},)"
    R"({"id":"silver","name":"Silver","threshold":"200.00","earn_multiplier":"1.25",)"
    R"("terms":"1.25 points per euro."},)"
    R"({"id":"gold","name":"Gold","threshold":"600.00","earn_multiplier":"1.5",)"
    R"("terms":"1.5 points per euro."}]}})";

std::vector<std::string> generate_events(std::size_t members, std::size_t events) {
  sim::ShopSpec spec;
  spec.shop = "bench";
  spec.members = members;
  spec.start = *core::parse_rfc3339("2025-01-01T00:00:00Z");
  std::vector<std::string> out;
  out.reserve(events);
  sim::generate_shop(spec, [&](std::string_view line) {
    if (out.size() < events) out.emplace_back(line);
  });
  return out;
}

long peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

CpuSeconds cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return {seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void fail(const char* program, const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", program, what.c_str());
  std::exit(1);
}

}  // namespace fidelis::bench
