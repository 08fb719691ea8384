// BG/NBD (Fader, Hardie & Lee 2005) and its modified form MBG/NBD (Batislam, Denizel &
// Filiztekin 2007), where a customer may also leave right after the first purchase. Formulas in
// ../shared/reference/clv.md §3.1 and §3.3; time is in the unit of the summary (days or weeks).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>

namespace fidelis::analytics::clv {

struct BetaGeometricParams {
  double r = 0;      // shape of the purchase-rate gamma
  double alpha = 0;  // rate of the purchase-rate gamma (in the time unit)
  double a = 0;      // beta of the drop-out probability
  double b = 0;
  bool is_modified = false;  // MBG/NBD
};

// ln L(x, t_x, T) of one customer, and its gradient in (r, alpha, a, b) when gradient is given.
double beta_geometric_log_likelihood(const BetaGeometricParams& p, double x, double t_x, double T,
                                     std::array<double, 4>* gradient = nullptr);

// ln L splits into a part that depends on x alone (ln A1 + ln A2, with gamma functions) and a
// part that needs the timing (ln(A3 + A4), logs only), so a fit computes the first once per
// distinct x. Both add their derivatives to *gradient when it is given.
double beta_geometric_count_part(const BetaGeometricParams& p, double x,
                                 std::array<double, 4>* gradient);
double beta_geometric_timing_part(const BetaGeometricParams& p, double x, double t_x, double T,
                                  std::array<double, 4>* gradient);

// The timing part's inner loop, inline for fits over millions of patterns: what depends on x
// alone is computed once (make_timing_run), then each pattern costs two logs, an exp and a log1p.
struct BetaGeometricTimingRun {
  double r_plus_x = 0;
  bool has_dropout = false;        // BG/NBD: x > 0; MBG/NBD: always
  double log_dropout_weight = 0;   // ln a − ln(b + x − 1 + m)
  double dropout_denominator = 1;  // b + x − 1 + m
};
BetaGeometricTimingRun make_timing_run(const BetaGeometricParams& p, double x);

inline double beta_geometric_timing(const BetaGeometricParams& p, const BetaGeometricTimingRun& run,
                                    double t_x, double T, double weight,
                                    std::array<double, 4>* gradient) {
  const double log_alpha_T = std::log(p.alpha + T);
  const double log_a3 = -run.r_plus_x * log_alpha_T;
  if (!run.has_dropout) {
    if (gradient) {
      (*gradient)[0] -= weight * log_alpha_T;
      (*gradient)[1] -= weight * run.r_plus_x / (p.alpha + T);
    }
    return weight * log_a3;
  }
  const double log_alpha_t_x = std::log(p.alpha + t_x);
  const double log_a4 = run.log_dropout_weight - run.r_plus_x * log_alpha_t_x;
  // ln(A3 + A4) and A4's share w4 from one exp of the difference, on the side that cannot overflow.
  // log(1 + e) rather than log1p: e <= 1, so the absolute error stays below 2^-53 and log is
  // twice as fast (this line runs once per customer per evaluation).
  const double difference = log_a4 - log_a3;
  const double e = std::exp(-std::fabs(difference));
  const double log_sum = std::max(log_a3, log_a4) + std::log(1 + e);
  if (gradient) {
    const double w4 = difference > 0 ? 1 / (1 + e) : e / (1 + e);
    const double w3 = 1 - w4;
    (*gradient)[0] -= weight * (w3 * log_alpha_T + w4 * log_alpha_t_x);
    (*gradient)[1] -= weight * run.r_plus_x * (w3 / (p.alpha + T) + w4 / (p.alpha + t_x));
    (*gradient)[2] += weight * w4 / p.a;
    (*gradient)[3] -= weight * w4 / run.dropout_denominator;
  }
  return weight * log_sum;
}

// P(the customer is alive at T | x, t_x, T).
double beta_geometric_p_alive(const BetaGeometricParams& p, double x, double t_x, double T);
// E[X(t)]: expected repeat purchases in (0, t] of a customer who just made a first purchase.
double beta_geometric_expected_purchases(const BetaGeometricParams& p, double t);
// E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] of a customer with this history.
double beta_geometric_conditional_expected_purchases(const BetaGeometricParams& p, double t,
                                                     double x, double t_x, double T);
// P(X(t) = n) for a new customer (BG/NBD only, eq. 8).
double bgnbd_probability_of_purchases(const BetaGeometricParams& p, double t, int n);

}  // namespace fidelis::analytics::clv
