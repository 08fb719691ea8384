// BG/BB (Fader, Hardie & Shang 2010): discrete opportunities (e.g. yearly donations). While alive
// a customer transacts at each opportunity with probability p ~ Beta(α, β) and dies before each
// later one with probability θ ~ Beta(γ, δ). ../shared/reference/clv.md §3.5.
#pragma once

#include <array>

namespace fidelis::analytics::clv {

struct BgBbParams {
  double alpha = 0;
  double beta = 0;
  double gamma = 0;
  double delta = 0;
};

// ln L(x, t_x, n) of one customer (x transactions, the last at opportunity t_x, n observed), and
// its gradient in (alpha, beta, gamma, delta).
double bgbb_log_likelihood(const BgBbParams& p, int x, int t_x, int n,
                           std::array<double, 4>* gradient = nullptr);
// P(alive at opportunity n + m | x, t_x, n).
double bgbb_p_alive(const BgBbParams& p, int x, int t_x, int n, int m);
// E[X(n, n + future)]: expected transactions over the next `future` opportunities.
double bgbb_conditional_expected_purchases(const BgBbParams& p, int future, int x, int t_x, int n);
// P(X(n) = x) for a new customer: the share expected to make x transactions in n opportunities.
double bgbb_probability_of_purchases(const BgBbParams& p, int n, int x);

}  // namespace fidelis::analytics::clv
