#include "analytics/clv/bgbb.h"

#include <cmath>
#include <vector>

#include "analytics/clv/special.h"
#include "core/assert.h"

namespace fidelis::analytics::clv {

namespace {

void check(const BgBbParams& p) {
  FIDELIS_ASSERT(p.alpha > 0 && p.beta > 0 && p.gamma > 0 && p.delta > 0);
}

// One term of the likelihood: B(α+u, β+v)/B(α, β) · B(γ+w, δ+y)/B(γ, δ), in logs, with its
// gradient (∂ ln B(u, v)/∂u = ψ(u) - ψ(u+v)).
struct Term {
  double log_value;
  std::array<double, 4> gradient;
};

Term beta_ratio_term(const BgBbParams& p, double u, double v, double w, double y) {
  const double a1 = p.alpha + u, b1 = p.beta + v, a2 = p.gamma + w, b2 = p.delta + y;
  Term term;
  term.log_value =
      log_beta(a1, b1) - log_beta(p.alpha, p.beta) + log_beta(a2, b2) - log_beta(p.gamma, p.delta);
  const double psi_ab = digamma(p.alpha + p.beta), psi_gd = digamma(p.gamma + p.delta);
  const double psi_1 = digamma(a1 + b1), psi_2 = digamma(a2 + b2);
  term.gradient = {digamma(a1) - psi_1 - digamma(p.alpha) + psi_ab,
                   digamma(b1) - psi_1 - digamma(p.beta) + psi_ab,
                   digamma(a2) - psi_2 - digamma(p.gamma) + psi_gd,
                   digamma(b2) - psi_2 - digamma(p.delta) + psi_gd};
  return term;
}

}  // namespace

double bgbb_log_likelihood(const BgBbParams& p, int x, int t_x, int n,
                           std::array<double, 4>* gradient) {
  check(p);
  FIDELIS_ASSERT(0 <= x && x <= t_x && t_x <= n);
  // Alive through all n opportunities, or died after opportunity t_x + i.
  std::vector<Term> terms{beta_ratio_term(p, x, n - x, 0, n)};
  for (int i = 0; i <= n - t_x - 1; ++i) {
    terms.push_back(beta_ratio_term(p, x, t_x - x + i, 1, t_x + i));
  }
  double log_likelihood = terms.front().log_value;
  for (std::size_t i = 1; i < terms.size(); ++i) {
    log_likelihood = log_add_exp(log_likelihood, terms[i].log_value);
  }
  if (gradient) {
    gradient->fill(0);
    for (const Term& term : terms) {
      const double share = std::exp(term.log_value - log_likelihood);
      for (int k = 0; k < 4; ++k) (*gradient)[k] += share * term.gradient[k];
    }
  }
  return log_likelihood;
}

double bgbb_p_alive(const BgBbParams& p, int x, int t_x, int n, int m) {
  check(p);
  FIDELIS_ASSERT(m >= 0);
  const double log_alive = log_beta(p.alpha + x, p.beta + n - x) - log_beta(p.alpha, p.beta) +
                           log_beta(p.gamma, p.delta + n + m) - log_beta(p.gamma, p.delta);
  return std::exp(log_alive - bgbb_log_likelihood(p, x, t_x, n));
}

double bgbb_conditional_expected_purchases(const BgBbParams& p, int future, int x, int t_x, int n) {
  check(p);
  FIDELIS_ASSERT(future >= 0 && p.gamma != 1);
  const double log_transaction =
      log_beta(p.alpha + x + 1, p.beta + n - x) - log_beta(p.alpha, p.beta);
  const double scale =
      p.delta / (p.gamma - 1) * std::exp(log_gamma(p.gamma + p.delta) - log_gamma(1 + p.delta));
  auto survival = [&](double k) {
    return std::exp(log_gamma(1 + p.delta + k) - log_gamma(p.gamma + p.delta + k));
  };
  return std::exp(log_transaction - bgbb_log_likelihood(p, x, t_x, n)) * scale *
         (survival(n) - survival(n + future));
}

double bgbb_probability_of_purchases(const BgBbParams& p, int n, int x) {
  check(p);
  FIDELIS_ASSERT(0 <= x && x <= n);
  auto log_choose = [](int top, int bottom) {
    return log_gamma(top + 1.0) - log_gamma(bottom + 1.0) - log_gamma(top - bottom + 1.0);
  };
  const double log_ab = log_beta(p.alpha, p.beta), log_gd = log_beta(p.gamma, p.delta);
  double probability = std::exp(log_choose(n, x) + log_beta(p.alpha + x, p.beta + n - x) - log_ab +
                                log_beta(p.gamma, p.delta + n) - log_gd);
  for (int i = x; i <= n - 1; ++i) {
    probability += std::exp(log_choose(i, x) + log_beta(p.alpha + x, p.beta + i - x) - log_ab +
                            log_beta(p.gamma + 1, p.delta + i) - log_gd);
  }
  return probability;
}

}  // namespace fidelis::analytics::clv
