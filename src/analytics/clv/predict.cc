#include "analytics/clv/predict.h"

#include <cmath>

#include "analytics/clv/beta_geometric.h"
#include "analytics/clv/bgbb.h"
#include "analytics/clv/gamma_gamma.h"
#include "analytics/clv/pareto_nbd.h"
#include "core/assert.h"
#include "core/json_reader.h"
#include "core/json_writer.h"

namespace fidelis::analytics::clv {

namespace {

BetaGeometricParams beta_geometric(const ModelParams& m) {
  return {.r = m.values[0],
          .alpha = m.values[1],
          .a = m.values[2],
          .b = m.values[3],
          .is_modified = m.model == Model::mbgnbd};
}
ParetoNbdParams pareto(const ModelParams& m) {
  return {.r = m.values[0], .alpha = m.values[1], .s = m.values[2], .beta = m.values[3]};
}
BgBbParams bgbb(const ModelParams& m) {
  return {.alpha = m.values[0], .beta = m.values[1], .gamma = m.values[2], .delta = m.values[3]};
}

void write_named(core::JsonWriter& out, Model model, const std::vector<double>& values) {
  out.begin_object();
  for (std::size_t k = 0; k < values.size(); ++k)
    out.key(parameter_names(model)[k]).value(values[k]);
  out.end_object();
}

}  // namespace

std::string fit_to_json(const FitResult& fit) {
  core::JsonWriter out;
  out.begin_object().key("model").value(model_name(fit.model));
  out.key("params");
  write_named(out, fit.model, fit.params);
  out.key("standard_errors");
  if (fit.standard_errors.empty()) {
    out.null();
  } else {
    write_named(out, fit.model, fit.standard_errors);
  }
  out.key("log_likelihood").value(fit.log_likelihood);
  out.key("customers").value(fit.customers);
  out.key("at_bound").value(fit.at_bound);
  out.end_object();
  return out.take();
}

core::Result<ModelParams> read_params_json(std::string_view text, std::string_view where) {
  core::JsonParser parser;
  auto object = parser.parse_object(text);
  if (!object.ok()) return object.errors();
  core::Errors errors;
  core::ObjectReader reader(*object, "", errors);
  const auto name = reader.string("model", true);
  const auto params = reader.object("params", true);
  if (!errors.empty()) return errors;
  const auto model = parse_model(*name);
  auto invalid = [&](const std::string& why) {
    return core::make_error(core::ErrorCode::model_params_invalid, std::string(where) + ": " + why);
  };
  if (!model) return invalid("unknown model \"" + std::string(*name) + "\"");
  ModelParams result{.model = *model, .values = {}};
  for (const std::string& parameter : parameter_names(*model)) {
    double value = 0;
    if ((*params)[parameter].get_double().get(value) != simdjson::SUCCESS) {
      return invalid("params has no number \"" + parameter + "\" (" +
                     std::string(model_name(*model)) + " needs " + parameter + ")");
    }
    if (!(value > 0) || !std::isfinite(value)) {
      return invalid("params/" + parameter + " must be a positive number");
    }
    result.values.push_back(value);
  }
  return result;
}

bool is_purchase_model(Model model) { return model != Model::gammagamma; }

std::optional<std::string> prediction_refusal(const ModelParams& m) {
  const auto refused = [&](const std::string& why) {
    return std::string(model_name(m.model)) + ": " + why;
  };
  switch (m.model) {
    case Model::bgnbd: {
      const BetaGeometricParams p = beta_geometric(m);
      if (p.a + p.b > 1) return std::nullopt;
      return refused("a + b = " + std::to_string(p.a + p.b) +
                     " <= 1, so customers without a repeat purchase cannot be predicted (too "
                     "little repeat history to fit)");
    }
    case Model::pareto:
      if (pareto(m).s != 1) return std::nullopt;
      return refused("s = 1 makes the expected purchases 0/0; predictions need s != 1");
    case Model::bgbb:
      if (bgbb(m).gamma != 1) return std::nullopt;
      return refused("gamma = 1 makes the expected purchases 0/0; predictions need gamma != 1");
    case Model::gammagamma:
      if (m.values[1] > 1) return std::nullopt;
      return refused("q = " + std::to_string(m.values[1]) +
                     " <= 1: the mean spend is unbounded; predictions need q > 1");
    case Model::mbgnbd:
      break;
  }
  return std::nullopt;
}

double expected_purchases(const ModelParams& m, double t, double x, double t_x, double T) {
  switch (m.model) {
    case Model::bgnbd:
    case Model::mbgnbd:
      return beta_geometric_conditional_expected_purchases(beta_geometric(m), t, x, t_x, T);
    case Model::pareto:
      return pareto_nbd_conditional_expected_purchases(pareto(m), t, x, t_x, T);
    case Model::bgbb:
      return bgbb_conditional_expected_purchases(bgbb(m), static_cast<int>(t), static_cast<int>(x),
                                                 static_cast<int>(t_x), static_cast<int>(T));
    case Model::gammagamma:
      break;
  }
  FIDELIS_ASSERT(!"expected_purchases needs a purchase model");
  return 0;
}

double probability_alive(const ModelParams& m, double x, double t_x, double T) {
  switch (m.model) {
    case Model::bgnbd:
    case Model::mbgnbd:
      return beta_geometric_p_alive(beta_geometric(m), x, t_x, T);
    case Model::pareto:
      return pareto_nbd_p_alive(pareto(m), x, t_x, T);
    case Model::bgbb:
      // Alive at the next opportunity, as FHS 2010 Table 6 reports it.
      return bgbb_p_alive(bgbb(m), static_cast<int>(x), static_cast<int>(t_x), static_cast<int>(T),
                          1);
    case Model::gammagamma:
      break;
  }
  FIDELIS_ASSERT(!"probability_alive needs a purchase model");
  return 0;
}

double expected_spend(const ModelParams& spend, double x, double mean_spend) {
  FIDELIS_ASSERT(spend.model == Model::gammagamma);
  const GammaGammaParams p{.p = spend.values[0], .q = spend.values[1], .gamma = spend.values[2]};
  return gamma_gamma_expected_spend(p, mean_spend > 0 ? x : 0, mean_spend);
}

double discounted_purchases(const ModelParams& purchases, double x, double t_x, double T,
                            const ValueOptions& options) {
  FIDELIS_ASSERT(options.horizon_months >= 0 && options.discount_monthly > -1);
  double discounted = 0;
  double previous = 0;  // E[Y((k−1)·f)]
  for (int k = 1; k <= options.horizon_months; ++k) {
    const double cumulative =
        expected_purchases(purchases, k * options.time_units_per_month, x, t_x, T);
    discounted += (cumulative - previous) / std::pow(1 + options.discount_monthly, k);
    previous = cumulative;
  }
  return discounted;
}

double discounted_value(const ModelParams& purchases, const ModelParams& spend, double x,
                        double t_x, double T, double mean_spend, const ValueOptions& options) {
  return expected_spend(spend, x, mean_spend) * discounted_purchases(purchases, x, t_x, T, options);
}

}  // namespace fidelis::analytics::clv
