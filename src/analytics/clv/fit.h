// Fitting the CLV models by maximum likelihood: the model's weighted log-likelihood over a
// summary, maximised in log-parameters with NLopt (L-BFGS on the analytic gradient; Nelder-Mead
// for Pareto/NBD, whose gradient goes through ₂F₁ parameter derivatives), then standard errors
// from the Hessian at the optimum. Decision 0015.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/clv/summary.h"
#include "core/result.h"

namespace fidelis::analytics::clv {

enum class Model { bgnbd, pareto, mbgnbd, gammagamma, bgbb };

std::string_view model_name(Model model);
std::optional<Model> parse_model(std::string_view name);
// Parameter names in the order of FitResult::params: bgnbd/mbgnbd r, alpha, a, b; pareto r,
// alpha, s, beta; gammagamma p, q, v (γ); bgbb alpha, beta, gamma, delta.
const std::vector<std::string>& parameter_names(Model model);
// Which summary layout the model reads.
SummaryLayout summary_layout(Model model);

struct FitResult {
  Model model = Model::bgnbd;
  std::vector<double> params;
  std::vector<double> standard_errors;  // from the inverse Hessian; empty if it is not definite
  double log_likelihood = 0;            // Σ weight · ln L in the summary's time unit, all terms
  double customers = 0;                 // Σ weight of the rows the model reads
  int evaluations = 0;
  // A parameter ended on its bound (1e-8 or 1e8): the data do not identify it (standard errors
  // are then meaningless). Predictions stay usable.
  bool at_bound = false;
};

// Total weighted log-likelihood of the summary at params (Gamma-Gamma reads only rows with
// x >= 1 and monetary > 0). Finite for valid params.
double total_log_likelihood(Model model, const std::vector<double>& params, const Summary& summary);

struct FitOptions {
  // Fold identical (x, t_x, T) rows and compute x-only terms once per x (BG/NBD, MBG/NBD,
  // Pareto/NBD). Off only for the benchmark's baseline: one full likelihood per row, the way a
  // straightforward implementation evaluates it.
  bool fold_patterns = true;
};

// Fits the model. Fails with model_fit_failed when the data cannot identify it (no rows, no repeat
// purchase) or the optimiser finds no finite optimum.
core::Result<FitResult> fit_model(Model model, const Summary& summary,
                                  const FitOptions& options = {});

}  // namespace fidelis::analytics::clv
