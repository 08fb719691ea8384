#include "analytics/clv/pareto_nbd.h"

#include <cmath>
#include <limits>

#include "analytics/clv/special.h"
#include "core/assert.h"

namespace fidelis::analytics::clv {

namespace {

void check(const ParetoNbdParams& p) {
  FIDELIS_ASSERT(p.r > 0 && p.alpha > 0 && p.s > 0 && p.beta > 0);
}

// ln A0 (note eqs. 19-20): with M = max(α, β) and the ₂F₁'s second parameter s+1 when α >= β,
// r+x otherwise, A0 = F(t_x)/(M+t_x)^{r+s+x} - F(T)/(M+T)^{r+s+x}. Minus infinity when t_x = T.
double log_a0(const ParetoNbdParams& p, double x, double t_x, double T) {
  const bool alpha_larger = p.alpha >= p.beta;
  const double larger = alpha_larger ? p.alpha : p.beta;
  const double difference = std::fabs(p.alpha - p.beta);
  const double second = alpha_larger ? p.s + 1 : p.r + x;
  const double rsx = p.r + p.s + x;
  auto log_term = [&](double time) {
    return log_hyp2f1(rsx, second, rsx + 1, difference / (larger + time)) -
           rsx * std::log(larger + time);
  };
  const double at_t_x = log_term(t_x);
  const double at_T = log_term(T);
  if (std::isnan(at_t_x) || std::isnan(at_T)) return std::numeric_limits<double>::quiet_NaN();
  // F(z)/(M+t)^k falls with t, so the t_x term is the larger; rounding may make them equal.
  if (at_T >= at_t_x) return -std::numeric_limits<double>::infinity();
  return log_sub_exp(at_t_x, at_T);
}

}  // namespace

double pareto_nbd_log_likelihood(const ParetoNbdParams& p, double x, double t_x, double T) {
  check(p);
  const double log_a1 =
      log_gamma(p.r + x) - log_gamma(p.r) + p.r * std::log(p.alpha) + p.s * std::log(p.beta);
  const double log_a2 = -(p.r + x) * std::log(p.alpha + T) - p.s * std::log(p.beta + T);
  const double log_a3 = std::log(p.s) - std::log(p.r + p.s + x) + log_a0(p, x, t_x, T);
  return log_a1 + log_add_exp(log_a2, log_a3);
}

double pareto_nbd_p_alive(const ParetoNbdParams& p, double x, double t_x, double T) {
  check(p);
  const double log_ratio = std::log(p.s) - std::log(p.r + p.s + x) +
                           (p.r + x) * std::log(p.alpha + T) + p.s * std::log(p.beta + T) +
                           log_a0(p, x, t_x, T);
  return 1.0 / (1.0 + std::exp(log_ratio));
}

double pareto_nbd_expected_purchases(const ParetoNbdParams& p, double t) {
  check(p);
  FIDELIS_ASSERT(p.s != 1 && t >= 0);
  return p.r * p.beta / (p.alpha * (p.s - 1)) * (1 - std::pow(p.beta / (p.beta + t), p.s - 1));
}

double pareto_nbd_conditional_expected_purchases(const ParetoNbdParams& p, double t, double x,
                                                 double t_x, double T) {
  check(p);
  FIDELIS_ASSERT(p.s != 1 && t >= 0);
  const double rate = (p.r + x) * (p.beta + T) / ((p.alpha + T) * (p.s - 1));
  return rate * (1 - std::pow((p.beta + T) / (p.beta + T + t), p.s - 1)) *
         pareto_nbd_p_alive(p, x, t_x, T);
}

}  // namespace fidelis::analytics::clv
