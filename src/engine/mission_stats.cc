// mission_stats(): how far members got with each mission of the program (the "mission
// completion" figure of analytics and the dashboard), from the stored member states.
#include <algorithm>

#include "engine/engine.h"

namespace fidelis::engine {

core::Result<std::vector<MissionStats>> mission_stats(store::Store& store, const std::string& shop,
                                                      const domain::Program& program) {
  std::vector<MissionStats> stats;
  for (const auto& mission : program.missions) stats.push_back({mission.id});
  std::int64_t members = 0;
  FIDELIS_CHECK(store.for_each_member(shop, [&](const domain::MemberState& state) {
    ++members;
    for (auto& entry : stats) {
      const auto it = std::find_if(
          state.missions.begin(), state.missions.end(),
          [&](const domain::MissionProgress& p) { return p.mission == entry.mission; });
      if (it == state.missions.end()) continue;
      ++entry.started;
      if (it->completed > 0) ++entry.completed;
      entry.completions += it->completed;
    }
  }));
  for (auto& entry : stats) {
    entry.members = members;
    // Percent of the members who started it, to one decimal (tenths of a percent).
    entry.completion_rate_tenths = entry.started > 0 ? entry.completed * 1000 / entry.started : 0;
  }
  return stats;
}

}  // namespace fidelis::engine
