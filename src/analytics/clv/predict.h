// Predictions of a fitted model for one customer, whichever model it is, and the discounted CLV
// as lifetimes computes it (../shared/reference/clv.md §3.6), plus the JSON form of a fit that
// `fidelis clv fit --json` prints and `--params` reads back.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/clv/fit.h"
#include "core/result.h"

namespace fidelis::analytics::clv {

struct ModelParams {
  Model model = Model::bgnbd;
  std::vector<double> values;  // in parameter_names(model) order
};

// {"model": "bgnbd", "params": {"r": …, …}, "standard_errors": {…}, "log_likelihood": …,
//  "customers": N}
std::string fit_to_json(const FitResult& fit);
// Reads what fit_to_json wrote (only "model" and "params" matter). Errors: json_malformed,
// field_missing, model_params_invalid (unknown model, a parameter missing or not positive).
core::Result<ModelParams> read_params_json(std::string_view text, std::string_view where);

bool is_purchase_model(Model model);  // bgnbd, mbgnbd, pareto, bgbb

// Why these parameters cannot predict, or nothing. BG/NBD needs a + b > 1: a customer without a
// repeat purchase has expectations in ₂F₁(r, b; a + b − 1; z), which the series here computes
// only for a positive third argument; fits to a short or thin history (a few customers, almost no
// repeat purchases) can land there. Pareto/NBD needs s ≠ 1, BG/BB γ ≠ 1 (their expectations
// divide by s − 1, γ − 1), Gamma-Gamma q > 1 (a bounded mean spend).
std::optional<std::string> prediction_refusal(const ModelParams& model);

// For purchase models: E[Y(t) | x, t_x, T] (BG/BB: t future opportunities) and P(alive at T).
double expected_purchases(const ModelParams& model, double t, double x, double t_x, double T);
double probability_alive(const ModelParams& model, double x, double t_x, double T);
// Gamma-Gamma: E(Z | z̄, x); z̄ = 0 or x = 0 gives the population mean.
double expected_spend(const ModelParams& spend, double x, double mean_spend);

struct ValueOptions {
  int horizon_months = 12;
  double discount_monthly = 0.01;
  double time_units_per_month = 30;  // 30 for days, 4.345 for weeks (lifetimes' factors)
};

// Σ_{k=1..H} (E[Y(k·f)] − E[Y((k−1)·f)]) / (1 + d)^k: discounted expected purchases, which
// depend on the purchase pattern alone (so customers sharing a pattern share the value).
double discounted_purchases(const ModelParams& purchases, double x, double t_x, double T,
                            const ValueOptions& options);
// E(Z | z̄, x) × discounted_purchases: Σ_{k=1..H} E(Z) · (E[Y(k·f)] − E[Y((k−1)·f)]) / (1 + d)^k.
double discounted_value(const ModelParams& purchases, const ModelParams& spend, double x,
                        double t_x, double T, double mean_spend, const ValueOptions& options);

}  // namespace fidelis::analytics::clv
