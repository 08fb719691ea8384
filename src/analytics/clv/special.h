// Special functions the CLV models need, in the forms that keep their numerics safe: log-space
// beta functions, log-sum-exp, and the Gauss hypergeometric function for the positive
// parameters every model here uses.
#pragma once

namespace fidelis::analytics::clv {

// ln B(a, b) for a, b > 0.
double log_beta(double a, double b);
// ln Γ(x) for x > 0, thread-safe (std::lgamma writes the global signgam).
double log_gamma(double x);
// ψ(x), the derivative of ln Γ, for x > 0.
double digamma(double x);

// ln(e^a + e^b) and ln(e^a - e^b) (the latter needs a >= b) without overflow.
double log_add_exp(double a, double b);
double log_sub_exp(double a, double b);

// ₂F₁(a, b; c; z) for a, b, c > 0 and 0 <= z < 1. With these signs every term of the power series
// is positive, so summing it is accurate (no cancellation); near z = 1 it needs more terms, which
// is why it stops at a named maximum and returns NaN (never a wrong value) when not converged.
double hyp2f1(double a, double b, double c, double z);
// ln ₂F₁ for the same domain: the series is summed relative to its largest term, so values past
// the double range (large parameters, z near 1) stay finite.
double log_hyp2f1(double a, double b, double c, double z);

}  // namespace fidelis::analytics::clv
