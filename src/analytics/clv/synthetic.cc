#include "analytics/clv/synthetic.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "core/assert.h"

namespace fidelis::analytics::clv {

namespace {

double draw_beta(std::mt19937_64& random, double a, double b) {
  const double u = std::gamma_distribution<double>(a, 1.0)(random);
  const double v = std::gamma_distribution<double>(b, 1.0)(random);
  return u / (u + v);
}

double round_down(double time, double step) {
  return step > 0 ? std::floor(time / step) * step : time;
}

}  // namespace

Summary generate_bgnbd_customers(const SyntheticSpec& spec) {
  const BetaGeometricParams& truth = spec.truth;
  FIDELIS_ASSERT(!truth.is_modified && truth.r > 0 && truth.alpha > 0 && truth.a > 0 &&
                 truth.b > 0);
  FIDELIS_ASSERT(0 < spec.age_min && spec.age_min <= spec.age_max);
  std::mt19937_64 random(spec.seed);
  std::uniform_real_distribution<double> age(spec.age_min, spec.age_max);
  Summary summary;
  summary.frequency.reserve(spec.customers);
  summary.recency.reserve(spec.customers);
  summary.age.reserve(spec.customers);
  summary.monetary.reserve(spec.customers);
  summary.weight.reserve(spec.customers);
  for (std::uint64_t i = 0; i < spec.customers; ++i) {
    const double T = round_down(age(random), spec.time_step);
    const double rate = std::gamma_distribution<double>(truth.r, 1.0 / truth.alpha)(random);
    const double dropout = draw_beta(random, truth.a, truth.b);
    const auto arrivals = std::poisson_distribution<std::int64_t>(rate * T)(random);
    // A drop-out probability that underflowed to 0 means the customer never leaves.
    const auto last_purchase = dropout > 0
                                   ? 1 + std::geometric_distribution<std::int64_t>(dropout)(random)
                                   : std::numeric_limits<std::int64_t>::max();
    const std::int64_t x = std::min(arrivals, last_purchase);
    const double t_x = x == 0 ? 0
                              : round_down(T * draw_beta(random, static_cast<double>(x),
                                                         static_cast<double>(arrivals - x + 1)),
                                           spec.time_step);
    summary.add(static_cast<double>(x), t_x, T, 0, 1);
  }
  return summary;
}

}  // namespace fidelis::analytics::clv
