#include "analytics/clv/fit.h"

#include <nlopt.h>

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <memory>
#include <span>
#include <thread>

#include "analytics/clv/beta_geometric.h"
#include "analytics/clv/bgbb.h"
#include "analytics/clv/gamma_gamma.h"
#include "analytics/clv/pareto_nbd.h"
#include "core/assert.h"

namespace fidelis::analytics::clv {

namespace {

// Stop when a step changes the log-parameters by less than this (relative): parameters come out
// right to far more digits than the 4 the papers print.
constexpr double kParameterTolerance = 1e-11;
// Objective evaluations before the fit gives up.
constexpr int kEvaluationsMax = 20'000;
// Parameters are kept in [1e-8, 1e8] (as BTYD bounds them). A parameter that ends on the upper
// bound is not identified by the data: e.g. Gamma-Gamma's q and γ run off together when every
// customer spends alike (the ratio, the mean spend, stays right).
constexpr double kLogParameterMax = 18.420680743952367;  // ln 1e8
// Nelder-Mead's first simplex: each log-parameter moved by this much (a factor e^0.5).
constexpr double kInitialLogStep = 0.5;
// Summaries of at least kWarmStartRows rows are first fitted on an evenly spaced sample of about
// kWarmStartSample rows: the full search then starts next to the optimum and needs fewer passes
// over all the rows, to the same tolerance and so the same optimum.
constexpr std::size_t kWarmStartRows = 500'000;
constexpr std::size_t kWarmStartSample = 50'000;
// Below this many patterns a second thread costs more than it saves.
constexpr std::size_t kParallelPatternsMin = 20'000;

// Weighted log-likelihood over a summary at natural parameters; fills gradient (same size as
// params) when it is non-empty.
using LogLikelihood =
    std::function<double(std::span<const double> params, std::span<double> gradient)>;

BetaGeometricParams beta_geometric(std::span<const double> v, bool is_modified) {
  return {.r = v[0], .alpha = v[1], .a = v[2], .b = v[3], .is_modified = is_modified};
}

// The x-sorted patterns [begin, end): the x-only part of the likelihood is computed once per run
// of equal x, the timing part per pattern. Adds to *gradient when given.
double beta_geometric_range(const BetaGeometricParams& p, const Pattern* begin, const Pattern* end,
                            std::array<double, 4>* gradient) {
  double total = 0;
  for (const Pattern* run = begin; run != end;) {
    const double x = run->x;
    const BetaGeometricTimingRun timing = make_timing_run(p, x);
    double weight = 0;
    for (; run != end && run->x == x; ++run) {
      total += beta_geometric_timing(p, timing, run->t_x, run->T, run->weight, gradient);
      weight += run->weight;
    }
    std::array<double, 4> g{};
    total += weight * beta_geometric_count_part(p, x, gradient ? &g : nullptr);
    if (gradient) {
      for (int k = 0; k < 4; ++k) (*gradient)[k] += weight * g[k];
    }
  }
  return total;
}

// Evaluates on two threads when the patterns are many (the machine has two cores; a split run of
// equal x just computes its x-only part twice, each weighted by its own customers).
LogLikelihood beta_geometric_objective(const std::vector<Pattern>& patterns, bool is_modified) {
  return [&patterns, is_modified](std::span<const double> v, std::span<double> gradient) {
    const BetaGeometricParams p = beta_geometric(v, is_modified);
    const bool wants_gradient = !gradient.empty();
    std::array<double, 4> first_gradient{}, second_gradient{};
    const Pattern* begin = patterns.data();
    const Pattern* end = begin + patterns.size();
    const Pattern* middle =
        patterns.size() >= kParallelPatternsMin ? begin + patterns.size() / 2 : end;
    double second = 0;
    std::thread helper;
    if (middle != end) {
      helper = std::thread([&] {
        second = beta_geometric_range(p, middle, end, wants_gradient ? &second_gradient : nullptr);
      });
    }
    const double first =
        beta_geometric_range(p, begin, middle, wants_gradient ? &first_gradient : nullptr);
    if (helper.joinable()) helper.join();
    for (int k = 0; k < 4 && wants_gradient; ++k)
      gradient[k] = first_gradient[k] + second_gradient[k];
    return first + second;
  };
}

// The baseline: every row evaluated whole, gamma functions included, on one thread.
LogLikelihood beta_geometric_row_objective(const std::vector<Pattern>& rows, bool is_modified) {
  return [&rows, is_modified](std::span<const double> v, std::span<double> gradient) {
    const BetaGeometricParams p = beta_geometric(v, is_modified);
    std::array<double, 4> total_gradient{};
    double total = 0;
    for (const Pattern& row : rows) {
      std::array<double, 4> g{};
      total += row.weight * beta_geometric_log_likelihood(p, row.x, row.t_x, row.T,
                                                          gradient.empty() ? nullptr : &g);
      for (int k = 0; k < 4; ++k) total_gradient[k] += row.weight * g[k];
    }
    if (!gradient.empty())
      std::copy(total_gradient.begin(), total_gradient.end(), gradient.begin());
    return total;
  };
}

LogLikelihood pareto_objective(const std::vector<Pattern>& patterns) {
  return [&patterns](std::span<const double> v, std::span<double>) {
    const ParetoNbdParams p{.r = v[0], .alpha = v[1], .s = v[2], .beta = v[3]};
    double total = 0;
    for (const Pattern& pattern : patterns) {
      total += pattern.weight * pareto_nbd_log_likelihood(p, pattern.x, pattern.t_x, pattern.T);
    }
    return total;
  };
}

bool reads_row_for_spend(const Summary& summary, std::size_t i) {
  return summary.frequency[i] >= 1 && summary.monetary[i] > 0;
}

LogLikelihood gamma_gamma_objective(const Summary& summary) {
  // The x-only part per distinct x, computed lazily at each evaluation (x is a whole number).
  double x_max = 0;
  for (std::size_t i = 0; i < summary.size(); ++i) {
    if (reads_row_for_spend(summary, i)) x_max = std::max(x_max, summary.frequency[i]);
  }
  const auto x_count = static_cast<std::size_t>(x_max) + 1;
  return [&summary, x_count](std::span<const double> v, std::span<double> gradient) {
    const GammaGammaParams p{.p = v[0], .q = v[1], .gamma = v[2]};
    const bool wants_gradient = !gradient.empty();
    struct CountTerms {
      bool known = false;
      double value = 0;
      std::array<double, 3> gradient{};
    };
    std::vector<CountTerms> by_x(x_count);
    double total = 0;
    std::array<double, 3> total_gradient{};
    for (std::size_t i = 0; i < summary.size(); ++i) {
      if (!reads_row_for_spend(summary, i)) continue;
      const double x = summary.frequency[i];
      CountTerms& count = by_x[static_cast<std::size_t>(x)];
      if (!count.known) {
        count.value = gamma_gamma_count_part(p, x, wants_gradient ? &count.gradient : nullptr);
        count.known = true;
      }
      const double w = summary.weight[i];
      std::array<double, 3> g = count.gradient;
      total += w * (count.value + gamma_gamma_spend_part(p, x, summary.monetary[i],
                                                         wants_gradient ? &g : nullptr));
      for (int k = 0; k < 3; ++k) total_gradient[k] += w * g[k];
    }
    if (wants_gradient) std::copy(total_gradient.begin(), total_gradient.end(), gradient.begin());
    return total;
  };
}

LogLikelihood bgbb_objective(const Summary& summary) {
  return [&summary](std::span<const double> v, std::span<double> gradient) {
    const BgBbParams p{.alpha = v[0], .beta = v[1], .gamma = v[2], .delta = v[3]};
    double total = 0;
    std::array<double, 4> total_gradient{};
    for (std::size_t i = 0; i < summary.size(); ++i) {
      std::array<double, 4> g{};
      const double w = summary.weight[i];
      total += w * bgbb_log_likelihood(p, static_cast<int>(summary.frequency[i]),
                                       static_cast<int>(summary.recency[i]),
                                       static_cast<int>(summary.age[i]),
                                       gradient.empty() ? nullptr : &g);
      for (int k = 0; k < 4; ++k) total_gradient[k] += w * g[k];
    }
    if (!gradient.empty())
      std::copy(total_gradient.begin(), total_gradient.end(), gradient.begin());
    return total;
  };
}

bool has_analytic_gradient(Model model) { return model != Model::pareto; }

// What NLopt minimises: the mean negative log-likelihood (so tolerances do not depend on the
// number of customers) as a function of the log-parameters.
struct Minimisation {
  const LogLikelihood* log_likelihood;
  double total_weight;
  int evaluations = 0;
};

double minimised(unsigned n, const double* log_params, double* gradient, void* data) {
  auto* m = static_cast<Minimisation*>(data);
  ++m->evaluations;
  std::array<double, 4> params{}, natural_gradient{};
  for (unsigned k = 0; k < n; ++k) params[k] = std::exp(log_params[k]);
  const double value = (*m->log_likelihood)(
      std::span<const double>(params.data(), n),
      gradient ? std::span<double>(natural_gradient.data(), n) : std::span<double>());
  if (!std::isfinite(value)) return HUGE_VAL;
  if (gradient) {
    for (unsigned k = 0; k < n; ++k)
      gradient[k] = -natural_gradient[k] * params[k] / m->total_weight;
  }
  return -value / m->total_weight;
}

// Standard errors: square roots of the diagonal of the inverse of the observed information
// (minus the Hessian of the total log-likelihood in natural parameters), by central differences
// of the analytic gradient, or of values when there is none. Empty if it is not positive definite.
std::vector<double> standard_errors(const LogLikelihood& log_likelihood, std::vector<double> params,
                                    bool has_gradient) {
  const int n = static_cast<int>(params.size());
  Eigen::MatrixXd information(n, n);
  std::vector<double> step(n);
  for (int k = 0; k < n; ++k) step[k] = 1e-5 * params[k];
  auto value_at = [&](std::vector<double> at) { return log_likelihood(at, {}); };
  for (int j = 0; j < n; ++j) {
    if (has_gradient) {
      std::vector<double> up = params, down = params, g_up(n), g_down(n);
      up[j] += step[j];
      down[j] -= step[j];
      log_likelihood(up, g_up);
      log_likelihood(down, g_down);
      for (int i = 0; i < n; ++i) information(i, j) = -(g_up[i] - g_down[i]) / (2 * step[j]);
    } else {
      for (int i = 0; i < n; ++i) {
        auto shifted = [&](double di, double dj) {
          std::vector<double> at = params;
          at[i] += di * step[i];
          at[j] += dj * step[j];
          return value_at(at);
        };
        information(i, j) = -(shifted(1, 1) - shifted(1, -1) - shifted(-1, 1) + shifted(-1, -1)) /
                            (4 * step[i] * step[j]);
      }
    }
  }
  information = (information + information.transpose()) / 2;
  Eigen::LLT<Eigen::MatrixXd> cholesky(information);
  if (cholesky.info() != Eigen::Success) return {};
  const Eigen::MatrixXd covariance = cholesky.solve(Eigen::MatrixXd::Identity(n, n));
  std::vector<double> errors(n);
  for (int k = 0; k < n; ++k) errors[k] = std::sqrt(covariance(k, k));
  return errors;
}

// The data one model reads and the objective over it, which refers to it: so it lives on the
// heap and never moves.
struct ModelData {
  std::vector<Pattern> patterns;  // purchase models in continuous time
  Summary rows;                   // Gamma-Gamma, BG/BB
  double total_weight = 0;
  LogLikelihood log_likelihood;
};

std::unique_ptr<ModelData> prepare(Model model, const Summary& summary, const FitOptions& options) {
  auto owned = std::make_unique<ModelData>();
  ModelData& data = *owned;
  switch (model) {
    case Model::bgnbd:
    case Model::mbgnbd:
      data.patterns = options.fold_patterns ? fold_patterns(summary) : to_patterns(summary);
      data.log_likelihood =
          options.fold_patterns
              ? beta_geometric_objective(data.patterns, model == Model::mbgnbd)
              : beta_geometric_row_objective(data.patterns, model == Model::mbgnbd);
      break;
    case Model::pareto:
      data.patterns = options.fold_patterns ? fold_patterns(summary) : to_patterns(summary);
      data.log_likelihood = pareto_objective(data.patterns);
      break;
    case Model::gammagamma:
      data.rows = summary;
      data.log_likelihood = gamma_gamma_objective(data.rows);
      break;
    case Model::bgbb:
      data.rows = summary;
      data.log_likelihood = bgbb_objective(data.rows);
      break;
  }
  for (const Pattern& pattern : data.patterns) data.total_weight += pattern.weight;
  for (std::size_t i = 0; i < data.rows.size(); ++i) {
    if (model != Model::gammagamma || reads_row_for_spend(data.rows, i)) {
      data.total_weight += data.rows.weight[i];
    }
  }
  return owned;
}

// Where the search starts: lifetimes' e^0.1 for every parameter, with the purchase models' time
// scales (alpha, beta) set so that the oldest customer's age reads 10 units, as lifetimes
// rescales time before fitting.
std::vector<double> starting_point(Model model, const ModelData& data) {
  const std::size_t n = parameter_names(model).size();
  std::vector<double> start(n, std::exp(0.1));
  if (!data.patterns.empty()) {
    double age_max = 0;
    for (const Pattern& pattern : data.patterns) age_max = std::max(age_max, pattern.T);
    const double time_scale = age_max > 0 ? age_max / 10 : 1;
    start[1] *= time_scale;
    if (model == Model::pareto) start[3] *= time_scale;
  }
  return start;
}

// Minimises from log_params (updated in place) with one NLopt algorithm.
nlopt_result minimise(nlopt_algorithm algorithm, Minimisation& minimisation,
                      std::vector<double>& log_params, double& minimum) {
  const auto n = static_cast<unsigned>(log_params.size());
  nlopt_opt optimiser = nlopt_create(algorithm, n);
  nlopt_set_min_objective(optimiser, minimised, &minimisation);
  nlopt_set_xtol_rel(optimiser, kParameterTolerance);
  nlopt_set_maxeval(optimiser, kEvaluationsMax);
  nlopt_set_lower_bounds1(optimiser, -kLogParameterMax);
  nlopt_set_upper_bounds1(optimiser, kLogParameterMax);
  // Without it NLopt sizes Nelder-Mead's first simplex from the bounds: far too wide.
  nlopt_set_initial_step1(optimiser, kInitialLogStep);
  const nlopt_result outcome = nlopt_optimize(optimiser, log_params.data(), &minimum);
  nlopt_destroy(optimiser);
  return outcome;
}

// The optimum on every k-th row (k = rows / kWarmStartSample), in log-parameters, or `start`
// when that search fails.
std::vector<double> warm_start(Model model, const Summary& summary, const FitOptions& options,
                               const std::vector<double>& start) {
  const std::size_t stride = summary.size() / kWarmStartSample;
  Summary sample;
  for (std::size_t i = 0; i < summary.size(); i += stride) {
    sample.add(summary.frequency[i], summary.recency[i], summary.age[i], summary.monetary[i],
               summary.weight[i]);
  }
  const auto owned = prepare(model, sample, options);
  Minimisation minimisation{.log_likelihood = &owned->log_likelihood,
                            .total_weight = owned->total_weight};
  std::vector<double> log_params = start;
  double minimum = 0;
  const nlopt_result outcome = minimise(NLOPT_LD_LBFGS, minimisation, log_params, minimum);
  const bool found = (outcome > 0 || outcome == NLOPT_ROUNDOFF_LIMITED) && std::isfinite(minimum);
  return found ? log_params : start;
}

}  // namespace

std::string_view model_name(Model model) {
  switch (model) {
    case Model::bgnbd:
      return "bgnbd";
    case Model::pareto:
      return "pareto";
    case Model::mbgnbd:
      return "mbgnbd";
    case Model::gammagamma:
      return "gammagamma";
    case Model::bgbb:
      return "bgbb";
  }
  FIDELIS_ASSERT(!"unknown model");
  return {};
}

std::optional<Model> parse_model(std::string_view name) {
  for (Model model : {Model::bgnbd, Model::pareto, Model::mbgnbd, Model::gammagamma, Model::bgbb}) {
    if (model_name(model) == name) return model;
  }
  return std::nullopt;
}

const std::vector<std::string>& parameter_names(Model model) {
  static const std::vector<std::string> beta_geometric{"r", "alpha", "a", "b"};
  static const std::vector<std::string> pareto{"r", "alpha", "s", "beta"};
  static const std::vector<std::string> gamma_gamma{"p", "q", "v"};
  static const std::vector<std::string> bgbb{"alpha", "beta", "gamma", "delta"};
  switch (model) {
    case Model::bgnbd:
    case Model::mbgnbd:
      return beta_geometric;
    case Model::pareto:
      return pareto;
    case Model::gammagamma:
      return gamma_gamma;
    case Model::bgbb:
      return bgbb;
  }
  FIDELIS_ASSERT(!"unknown model");
  return bgbb;
}

SummaryLayout summary_layout(Model model) {
  return model == Model::bgbb ? SummaryLayout::bgbb : SummaryLayout::transactions;
}

double total_log_likelihood(Model model, const std::vector<double>& params,
                            const Summary& summary) {
  FIDELIS_ASSERT(params.size() == parameter_names(model).size());
  return prepare(model, summary, {})->log_likelihood(params, {});
}

core::Result<FitResult> fit_model(Model model, const Summary& summary, const FitOptions& options) {
  const auto owned = prepare(model, summary, options);
  const ModelData& data = *owned;
  auto failed = [&](const std::string& why) {
    return core::make_error(core::ErrorCode::model_fit_failed,
                            std::string(model_name(model)) + ": " + why);
  };
  if (data.total_weight <= 0) {
    return failed(model == Model::gammagamma
                      ? "no customer with a repeat purchase of positive value"
                      : "the summary has no customers");
  }
  const bool any_repeat = std::any_of(data.patterns.begin(), data.patterns.end(),
                                      [](const Pattern& p) { return p.x > 0; }) ||
                          std::any_of(data.rows.frequency.begin(), data.rows.frequency.end(),
                                      [](double x) { return x > 0; });
  if (!any_repeat) return failed("no customer made a repeat purchase, so nothing can be estimated");

  const std::vector<double> start = starting_point(model, data);
  const unsigned n = static_cast<unsigned>(start.size());
  const bool has_gradient = has_analytic_gradient(model);
  std::vector<double> log_params(n);
  for (unsigned k = 0; k < n; ++k) log_params[k] = std::log(start[k]);
  if (has_gradient && options.fold_patterns && summary.size() >= kWarmStartRows) {
    log_params = warm_start(model, summary, options, log_params);
  }
  Minimisation minimisation{.log_likelihood = &data.log_likelihood,
                            .total_weight = data.total_weight};
  double minimum = 0;
  nlopt_result outcome = minimise(has_gradient ? NLOPT_LD_LBFGS : NLOPT_LN_NELDERMEAD, minimisation,
                                  log_params, minimum);
  // L-BFGS stops with a generic failure when its line search breaks down, which happens on flat
  // ridges (a parameter running to its bound); Nelder-Mead from where it stopped needs no gradient.
  if (has_gradient && outcome < 0 && outcome != NLOPT_ROUNDOFF_LIMITED) {
    outcome = minimise(NLOPT_LN_NELDERMEAD, minimisation, log_params, minimum);
  }
  // Stopping on round-off means sitting on the optimum to machine precision: a success.
  if ((outcome < 0 && outcome != NLOPT_ROUNDOFF_LIMITED) || !std::isfinite(minimum)) {
    return failed("the optimiser stopped without an optimum (NLopt code " +
                  std::to_string(outcome) + ")");
  }
  FitResult result;
  result.model = model;
  for (double log_param : log_params) result.params.push_back(std::exp(log_param));
  result.log_likelihood = data.log_likelihood(result.params, {});
  result.customers = data.total_weight;
  result.evaluations = minimisation.evaluations;
  result.at_bound = std::any_of(log_params.begin(), log_params.end(),
                                [](double p) { return std::fabs(p) > kLogParameterMax - 1e-6; });
  result.standard_errors = standard_errors(data.log_likelihood, result.params, has_gradient);
  return result;
}

}  // namespace fidelis::analytics::clv
