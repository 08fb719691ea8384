#include "analytics/clv/special.h"

#include <algorithm>
#include <boost/math/special_functions/digamma.hpp>
#include <cmath>
#include <limits>

#include "core/assert.h"

namespace fidelis::analytics::clv {

namespace {

// Terms summed before ₂F₁ gives up: z = 0.999 needs ~40,000 for full precision.
constexpr int kHypergeometricTermsMax = 1'000'000;

}  // namespace

double log_gamma(double x) {
  int sign = 0;
  return lgamma_r(x, &sign);
}

double log_beta(double a, double b) { return log_gamma(a) + log_gamma(b) - log_gamma(a + b); }

// Boost.Math computes doubles in long double by default; double precision is all we need and
// several times faster.
using DoublePolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

double digamma(double x) { return boost::math::digamma(x, DoublePolicy()); }

double log_add_exp(double a, double b) {
  if (a < b) std::swap(a, b);
  if (b == -std::numeric_limits<double>::infinity()) return a;
  return a + std::log1p(std::exp(b - a));
}

double log_sub_exp(double a, double b) {
  FIDELIS_ASSERT(a >= b);
  if (a == b) return -std::numeric_limits<double>::infinity();
  return a + std::log1p(-std::exp(b - a));
}

double log_hyp2f1(double a, double b, double c, double z) {
  FIDELIS_ASSERT(a > 0 && b > 0 && c > 0);
  FIDELIS_ASSERT(z >= 0 && z < 1);
  // Terms t_k = t_{k-1} · (a+k-1)(b+k-1) / ((c+k-1) k) · z, kept in a running scale so the sum
  // cannot overflow: whenever it grows past 1e280 it is folded into log_scale.
  double log_scale = 0;
  double sum = 1;
  double term = 1;
  for (int k = 1; k <= kHypergeometricTermsMax; ++k) {
    term *= (a + k - 1) * (b + k - 1) / ((c + k - 1) * k) * z;
    sum += term;
    if (sum > 1e280) {
      log_scale += std::log(sum);
      term /= sum;
      sum = 1;
    }
    // Stop once the rest of the series is lost in rounding. Past its peak the term ratio moves
    // monotonically towards z, so the larger of the next ratio and z bounds a geometric tail.
    const double bound = std::max((a + k) * (b + k) / ((c + k) * (k + 1)) * z, z);
    if (bound < 1 && term * bound / (1 - bound) <= sum * 1e-17) {
      return log_scale + std::log(sum);
    }
  }
  // Not converged (z too near 1 for the series): no value rather than a wrong one. A fit treats
  // the point as infeasible; a prediction reports it as missing.
  return std::numeric_limits<double>::quiet_NaN();
}

double hyp2f1(double a, double b, double c, double z) { return std::exp(log_hyp2f1(a, b, c, z)); }

}  // namespace fidelis::analytics::clv
