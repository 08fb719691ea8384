#include "analytics/clv/gamma_gamma.h"

#include <cmath>

#include "analytics/clv/special.h"
#include "core/assert.h"

namespace fidelis::analytics::clv {

double gamma_gamma_count_part(const GammaGammaParams& params, double x,
                              std::array<double, 3>* gradient) {
  const auto [p, q, g] = params;
  const double px = p * x;
  if (gradient) {
    const double psi_sum = digamma(px + q);
    (*gradient)[0] += x * (psi_sum - digamma(px));
    (*gradient)[1] += psi_sum - digamma(q);
  }
  return -log_beta(px, q);
}

double gamma_gamma_spend_part(const GammaGammaParams& params, double x, double mean_spend,
                              std::array<double, 3>* gradient) {
  const auto [p, q, g] = params;
  const double px = p * x;
  const double total = x * mean_spend;
  const double log_denominator = std::log(g + total);
  const double log_g = std::log(g), log_total = std::log(total);
  if (gradient) {
    (*gradient)[0] += x * (log_total - log_denominator);
    (*gradient)[1] += log_g - log_denominator;
    (*gradient)[2] += q / g - (px + q) / (g + total);
  }
  // 1/(z̄ B(px, q)) · (γ/(γ+x z̄))^q · (x z̄/(γ+x z̄))^{px}, without the B term.
  return -std::log(mean_spend) + q * (log_g - log_denominator) + px * (log_total - log_denominator);
}

double gamma_gamma_log_likelihood(const GammaGammaParams& params, double x, double mean_spend,
                                  std::array<double, 3>* gradient) {
  FIDELIS_ASSERT(params.p > 0 && params.q > 0 && params.gamma > 0);
  FIDELIS_ASSERT(x >= 1 && mean_spend > 0);
  if (gradient) gradient->fill(0);
  return gamma_gamma_count_part(params, x, gradient) +
         gamma_gamma_spend_part(params, x, mean_spend, gradient);
}

double gamma_gamma_expected_spend(const GammaGammaParams& params, double x, double mean_spend) {
  const auto [p, q, g] = params;
  FIDELIS_ASSERT(p > 0 && q > 0 && g > 0 && x >= 0);
  FIDELIS_ASSERT(p * x + q > 1);
  return p * (g + x * mean_spend) / (p * x + q - 1);
}

}  // namespace fidelis::analytics::clv
