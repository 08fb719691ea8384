#include "analytics/clv/beta_geometric.h"

#include <cmath>

#include "analytics/clv/special.h"
#include "core/assert.h"

namespace fidelis::analytics::clv {

namespace {

void check(const BetaGeometricParams& p) {
  FIDELIS_ASSERT(p.r > 0 && p.alpha > 0 && p.a > 0 && p.b > 0);
}

// BG/NBD lets a customer leave only after a repeat purchase (so x = 0 has no "died" branch);
// MBG/NBD also right after the first, which shifts b + x - 1 to b + x everywhere.
double shift(const BetaGeometricParams& p) { return p.is_modified ? 1.0 : 0.0; }
bool has_dropout_branch(const BetaGeometricParams& p, double x) { return p.is_modified || x > 0; }

}  // namespace

double beta_geometric_count_part(const BetaGeometricParams& p, double x,
                                 std::array<double, 4>* gradient) {
  const double m = shift(p);
  const double log_a1 = log_gamma(p.r + x) - log_gamma(p.r) + p.r * std::log(p.alpha);
  const double log_a2 =
      log_gamma(p.a + p.b) + log_gamma(p.b + x + m) - log_gamma(p.b) - log_gamma(p.a + p.b + x + m);
  if (gradient) {
    const double psi_ab = digamma(p.a + p.b);
    const double psi_abx = digamma(p.a + p.b + x + m);
    (*gradient)[0] += digamma(p.r + x) - digamma(p.r) + std::log(p.alpha);
    (*gradient)[1] += p.r / p.alpha;
    (*gradient)[2] += psi_ab - psi_abx;
    (*gradient)[3] += psi_ab + digamma(p.b + x + m) - digamma(p.b) - psi_abx;
  }
  return log_a1 + log_a2;
}

BetaGeometricTimingRun make_timing_run(const BetaGeometricParams& p, double x) {
  BetaGeometricTimingRun run;
  run.r_plus_x = p.r + x;
  run.has_dropout = has_dropout_branch(p, x);
  if (run.has_dropout) {
    run.dropout_denominator = p.b + x - 1 + shift(p);
    run.log_dropout_weight = std::log(p.a) - std::log(run.dropout_denominator);
  }
  return run;
}

double beta_geometric_timing_part(const BetaGeometricParams& p, double x, double t_x, double T,
                                  std::array<double, 4>* gradient) {
  return beta_geometric_timing(p, make_timing_run(p, x), t_x, T, 1.0, gradient);
}

double beta_geometric_log_likelihood(const BetaGeometricParams& p, double x, double t_x, double T,
                                     std::array<double, 4>* gradient) {
  check(p);
  if (gradient) gradient->fill(0);
  return beta_geometric_count_part(p, x, gradient) +
         beta_geometric_timing_part(p, x, t_x, T, gradient);
}

double beta_geometric_p_alive(const BetaGeometricParams& p, double x, double t_x, double T) {
  check(p);
  if (!has_dropout_branch(p, x)) return 1.0;
  const double m = shift(p);
  // 1 / (1 + a/(b+x-1+m) · ((α+T)/(α+t_x))^{r+x}), as a logistic of the log-ratio so huge ratios
  // give 0 rather than overflow.
  const double log_ratio = std::log(p.a) - std::log(p.b + x - 1 + m) +
                           (p.r + x) * (std::log(p.alpha + T) - std::log(p.alpha + t_x));
  return 1.0 / (1.0 + std::exp(log_ratio));
}

double beta_geometric_expected_purchases(const BetaGeometricParams& p, double t) {
  check(p);
  FIDELIS_ASSERT(t >= 0);
  const double z = t / (p.alpha + t);
  const double power = p.r * std::log(p.alpha / (p.alpha + t));
  if (p.is_modified) {
    return p.b / (p.a - 1) * (1 - std::exp(power + log_hyp2f1(p.r, p.b + 1, p.a + p.b, z)));
  }
  return (p.a + p.b - 1) / (p.a - 1) *
         (1 - std::exp(power + log_hyp2f1(p.r, p.b, p.a + p.b - 1, z)));
}

double beta_geometric_conditional_expected_purchases(const BetaGeometricParams& p, double t,
                                                     double x, double t_x, double T) {
  check(p);
  FIDELIS_ASSERT(t >= 0);
  const double m = shift(p);
  const double z = t / (p.alpha + T + t);
  const double power = (p.r + x) * std::log((p.alpha + T) / (p.alpha + T + t));
  const double c = p.a + p.b + x - 1 + m;
  const double bracket = 1 - std::exp(power + log_hyp2f1(p.r + x, p.b + x + m, c, z));
  return c / (p.a - 1) * bracket * beta_geometric_p_alive(p, x, t_x, T);
}

double bgnbd_probability_of_purchases(const BetaGeometricParams& p, double t, int n) {
  check(p);
  FIDELIS_ASSERT(!p.is_modified && n >= 0 && t >= 0);
  const double log_alpha_share = std::log(p.alpha / (p.alpha + t));
  const double log_t_share = std::log(t / (p.alpha + t));
  const double log_nbd = log_gamma(p.r + n) - log_gamma(p.r) - log_gamma(n + 1.0) +
                         p.r * log_alpha_share + (n > 0 ? n * log_t_share : 0);
  double probability = std::exp(log_beta(p.a, p.b + n) - log_beta(p.a, p.b) + log_nbd);
  if (n > 0) {
    double cumulative = 0;  // Σ_{j<n} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j
    for (int j = 0; j < n; ++j) {
      cumulative += std::exp(log_gamma(p.r + j) - log_gamma(p.r) - log_gamma(j + 1.0) +
                             (j > 0 ? j * log_t_share : 0));
    }
    probability += std::exp(log_beta(p.a + 1, p.b + n - 1) - log_beta(p.a, p.b)) *
                   (1 - std::exp(p.r * log_alpha_share) * cumulative);
  }
  return probability;
}

}  // namespace fidelis::analytics::clv
