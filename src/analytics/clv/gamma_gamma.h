// Gamma-Gamma spend model (Fader, Hardie & Lee 2005b; Fader & Hardie note 025): each purchase
// value ~ Gamma(p, ν), ν ~ Gamma(q, γ) across customers. Fitted on customers with x >= 1 from the
// mean z̄ of their x repeat purchases. The likelihood is the density of the MEAN z̄ (note 025
// eq. 1a, as lifetimes and BTYD use it: CDNOW -4055.92); the JMR paper's -4659 is the density
// of the total x·z̄, which differs by the constant Σ ln x.
#pragma once

#include <array>

namespace fidelis::analytics::clv {

struct GammaGammaParams {
  double p = 0;
  double q = 0;
  double gamma = 0;  // γ, the rate of the gamma over ν
};

// ln f(z̄ | x) of one customer with x >= 1 and z̄ > 0, and its gradient in (p, q, gamma).
double gamma_gamma_log_likelihood(const GammaGammaParams& params, double x, double mean_spend,
                                  std::array<double, 3>* gradient = nullptr);

// ln f splits into a part that depends on x alone (−ln B(px, q), with its gradient) and one per
// customer (logs only), so a fit computes the first once per distinct x. Both add to *gradient.
double gamma_gamma_count_part(const GammaGammaParams& params, double x,
                              std::array<double, 3>* gradient);
double gamma_gamma_spend_part(const GammaGammaParams& params, double x, double mean_spend,
                              std::array<double, 3>* gradient);

// E(Z | z̄, x): the customer's expected spend per purchase (x = 0 gives the population mean, which
// needs q > 1).
double gamma_gamma_expected_spend(const GammaGammaParams& params, double x, double mean_spend);

}  // namespace fidelis::analytics::clv
