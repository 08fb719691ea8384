// Pareto/NBD (Schmittlein, Morrison & Colombo 1987; expressions from Fader & Hardie's 2005
// derivation note): Poisson purchases while alive, exponential lifetime, gamma heterogeneity on
// both rates. ../shared/reference/clv.md §3.2.
#pragma once

namespace fidelis::analytics::clv {

struct ParetoNbdParams {
  double r = 0;
  double alpha = 0;
  double s = 0;
  double beta = 0;
};

// ln L(x, t_x, T) of one customer. A0 (a difference of two close ₂F₁ terms) is kept in log space.
double pareto_nbd_log_likelihood(const ParetoNbdParams& p, double x, double t_x, double T);
double pareto_nbd_p_alive(const ParetoNbdParams& p, double x, double t_x, double T);
// E[X(t)] for a new customer (needs s != 1).
double pareto_nbd_expected_purchases(const ParetoNbdParams& p, double t);
// E[Y(t) | x, t_x, T].
double pareto_nbd_conditional_expected_purchases(const ParetoNbdParams& p, double t, double x,
                                                 double t_x, double T);

}  // namespace fidelis::analytics::clv
