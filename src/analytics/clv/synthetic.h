// A seeded BG/NBD population with known parameters: the exact process the model assumes, so a
// fit on it must find those parameters back within their standard errors. Used by the recovery
// test and the fitting benchmark (bench/clv_bench.cc).
#pragma once

#include <cstdint>

#include "analytics/clv/beta_geometric.h"
#include "analytics/clv/summary.h"

namespace fidelis::analytics::clv {

struct SyntheticSpec {
  BetaGeometricParams truth{.r = 0.243, .alpha = 4.414, .a = 0.793, .b = 2.426};
  std::uint64_t customers = 100'000;
  double age_min = 27;  // T ~ Uniform(age_min, age_max), as reference/clv.md §4.2 (weeks)
  double age_max = 39;
  // Times rounded down to this step (1/7: whole days in weeks), as real order dates are; 0 keeps
  // them continuous.
  double time_step = 0;
  std::uint64_t seed = 1000;
};

// λ ~ Gamma(r, rate α), p ~ Beta(a, b); N ~ Poisson(λT) purchases if the customer never left;
// the customer leaves after repeat purchase J ~ Geometric(p) on {1, 2, …}; x = min(J, N); the last
// purchase is the x-th of N uniform arrivals, t_x = T · Beta(x, N − x + 1).
Summary generate_bgnbd_customers(const SyntheticSpec& spec);

}  // namespace fidelis::analytics::clv
