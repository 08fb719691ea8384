#include "workload.h"

#include <sys/resource.h>

#include "sim/shop_generator.h"

namespace fidelis::bench {

const char* const kBasicProgram =
    R"({"name":"bench","earning":{"rates":{"*":{"points":1,"per":"1"}}},"pending":{"days":14},)"
    R"("refunds":{"shortfall":"debt"},"expiry":{"mode":"lot","after_days":365,"notice_days":30}})";

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

}  // namespace fidelis::bench
