// `fidelis clv fit|predict|value`: the CLV models on a lifetimes-style customer summary
// (docs/reference/cli.md "clv"). fit prints parameters (the JSON is what --params reads back);
// predict prints expected purchases and P(alive) (or expected spend for gammagamma) per customer;
// value combines a purchase model and Gamma-Gamma into a discounted CLV per customer.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <numeric>
#include <string>

#include "analytics/clv/fit.h"
#include "analytics/clv/predict.h"
#include "analytics/clv/summary.h"
#include "cli/commands.h"
#include "core/json_writer.h"

namespace fidelis::cli {

namespace {

namespace clv = analytics::clv;

constexpr const char* kClvUsage =
    "usage: fidelis clv fit --summary FILE.csv --model bgnbd|pareto|mbgnbd|gammagamma|bgbb "
    "[--json]\n"
    "       fidelis clv predict --summary FILE.csv [--model M] --params FIT.json --t T [--json]\n"
    "       fidelis clv value --summary FILE.csv --params FIT.json --spend-params GG.json\n"
    "                         [--horizon-months 12] [--discount-monthly 0.01] [--unit days|weeks]";

int clv_usage(const std::string& why) { return usage_error(why, kClvUsage); }

core::Result<clv::ModelParams> load_params(const std::string& path) {
  auto text = read_file(path);
  if (!text.ok()) return text.errors();
  return clv::read_params_json(*text, path);
}

core::Result<clv::Summary> load_summary(const Args& args, clv::Model model) {
  const auto path = args.option("summary");
  if (!path) return core::make_error(core::ErrorCode::usage, "--summary FILE.csv is required");
  return clv::read_summary_csv(*path, clv::summary_layout(model));
}

std::string customer_id(const clv::Summary& summary, std::size_t i) {
  return summary.ids.empty() ? std::to_string(i + 1) : summary.ids[i];
}

int run_fit(const Args& args) {
  const auto name = args.option("model");
  const auto model = name ? clv::parse_model(*name) : std::nullopt;
  if (!model) return clv_usage("--model must be bgnbd, pareto, mbgnbd, gammagamma or bgbb");
  auto summary = load_summary(args, *model);
  if (!summary.ok()) return report_errors(summary.errors());
  auto fit = clv::fit_model(*model, *summary);
  if (!fit.ok()) return report_errors(fit.errors());
  if (args.json()) {
    std::printf("%s\n", clv::fit_to_json(*fit).c_str());
    return kExitOk;
  }
  std::printf("%s fitted on %.0f customers (%d evaluations), log-likelihood %.4f\n", name->c_str(),
              fit->customers, fit->evaluations, fit->log_likelihood);
  for (std::size_t k = 0; k < fit->params.size(); ++k) {
    std::printf("  %-6s %12.6f", clv::parameter_names(*model)[k].c_str(), fit->params[k]);
    if (!fit->standard_errors.empty())
      std::printf("  (standard error %.6f)", fit->standard_errors[k]);
    std::printf("\n");
  }
  return kExitOk;
}

// One row per customer: id and the named columns, as CSV or as {"customers": [...]}.
void print_rows(const Args& args, const clv::Summary& summary,
                const std::vector<std::string>& columns,
                const std::function<std::vector<double>(std::size_t)>& row) {
  if (args.json()) {
    core::JsonWriter out;
    out.begin_object().key("customers").begin_array();
    for (std::size_t i = 0; i < summary.size(); ++i) {
      const std::vector<double> values = row(i);
      out.begin_object().key("id").value(customer_id(summary, i));
      for (std::size_t c = 0; c < columns.size(); ++c) out.key(columns[c]).value(values[c]);
      out.end_object();
    }
    out.end_array().end_object();
    std::printf("%s\n", out.str().c_str());
    return;
  }
  std::printf("id");
  for (const std::string& column : columns) std::printf(",%s", column.c_str());
  std::printf("\n");
  for (std::size_t i = 0; i < summary.size(); ++i) {
    std::printf("%s", customer_id(summary, i).c_str());
    for (double value : row(i)) std::printf(",%.6f", value);
    std::printf("\n");
  }
}

int run_predict(const Args& args) {
  const auto params_path = args.option("params");
  if (!params_path) return clv_usage("--params FIT.json (from `clv fit --json`) is required");
  auto params = load_params(*params_path);
  if (!params.ok()) return report_errors(params.errors());
  // --model is optional (the fit names its model); when given it must agree.
  if (const auto model = args.option("model"); model && *model != clv::model_name(params->model)) {
    return report_errors(
        {core::make_error(core::ErrorCode::model_params_invalid,
                          *params_path + ": the parameters are of model " +
                              std::string(clv::model_name(params->model)) + ", not " + *model)});
  }
  if (const auto refusal = clv::prediction_refusal(*params)) {
    return report_errors(
        {core::make_error(core::ErrorCode::model_params_invalid, *params_path + ": " + *refusal)});
  }
  auto summary = load_summary(args, params->model);
  if (!summary.ok()) return report_errors(summary.errors());
  const clv::Summary& s = *summary;
  if (params->model == clv::Model::gammagamma) {
    print_rows(args, s, {"expected_spend"}, [&](std::size_t i) {
      return std::vector<double>{clv::expected_spend(*params, s.frequency[i], s.monetary[i])};
    });
    return kExitOk;
  }
  if (!args.option("t"))
    return clv_usage("--t T (the horizon, in the summary's time unit) is required");
  const auto t = number_option(args, "t", 0, 0, 1e6);
  if (!t.ok()) return clv_usage(t.errors().front().message);
  if (params->model == clv::Model::bgbb && *t != std::floor(*t)) {
    return clv_usage("--t counts opportunities for bgbb: a whole number");
  }
  print_rows(args, s, {"expected_purchases", "p_alive"}, [&](std::size_t i) {
    return std::vector<double>{
        clv::expected_purchases(*params, *t, s.frequency[i], s.recency[i], s.age[i]),
        clv::probability_alive(*params, s.frequency[i], s.recency[i], s.age[i])};
  });
  return kExitOk;
}

int run_value(const Args& args) {
  const auto params_path = args.option("params");
  const auto spend_path = args.option("spend-params");
  if (!params_path || !spend_path) {
    return clv_usage(
        "--params (a purchase model's fit) and --spend-params (a gammagamma fit) are required");
  }
  auto purchases = load_params(*params_path);
  if (!purchases.ok()) return report_errors(purchases.errors());
  auto spend = load_params(*spend_path);
  if (!spend.ok()) return report_errors(spend.errors());
  if (purchases->model == clv::Model::gammagamma || purchases->model == clv::Model::bgbb) {
    return clv_usage("--params must be a bgnbd, mbgnbd or pareto fit (continuous time)");
  }
  if (spend->model != clv::Model::gammagamma)
    return clv_usage("--spend-params must be a gammagamma fit");
  for (const auto* params : {&*purchases, &*spend}) {
    if (const auto refusal = clv::prediction_refusal(*params)) {
      return report_errors({core::make_error(core::ErrorCode::model_params_invalid, *refusal)});
    }
  }
  clv::ValueOptions options;
  const auto horizon = number_option(args, "horizon-months", 12, 0, 1200);
  const auto discount = number_option(args, "discount-monthly", 0.01, 0, 1);
  if (!horizon.ok()) return clv_usage(horizon.errors().front().message);
  if (!discount.ok()) return clv_usage(discount.errors().front().message);
  if (*horizon != std::floor(*horizon)) return clv_usage("--horizon-months must be a whole number");
  options.horizon_months = static_cast<int>(*horizon);
  options.discount_monthly = *discount;
  const std::string unit = args.option("unit").value_or("days");
  if (unit != "days" && unit != "weeks") return clv_usage("--unit must be days or weeks");
  // lifetimes' factors: 30 days or 4.345 weeks per month.
  options.time_units_per_month = unit == "days" ? 30 : 4.345;
  auto summary = load_summary(args, purchases->model);
  if (!summary.ok()) return report_errors(summary.errors());
  const clv::Summary& s = *summary;
  std::vector<double> values(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    values[i] = clv::discounted_value(*purchases, *spend, s.frequency[i], s.recency[i], s.age[i],
                                      s.monetary[i], options);
  }
  if (!args.json()) {
    print_rows(args, s, {"clv"}, [&](std::size_t i) { return std::vector<double>{values[i]}; });
    return kExitOk;
  }
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  const double total = std::accumulate(values.begin(), values.end(), 0.0);
  const std::size_t top_count = (sorted.size() + 9) / 10;
  const double top = std::accumulate(sorted.begin(), sorted.begin() + top_count, 0.0);
  core::JsonWriter out;
  out.begin_object().key("customers").value(static_cast<std::uint64_t>(s.size()));
  out.key("horizon_months").value(options.horizon_months);
  out.key("discount_monthly").value(options.discount_monthly);
  out.key("total").value(total).key("mean").value(total / s.size());
  out.key("top_10_percent_share").value(total > 0 ? 100 * top / total : 0.0);
  out.key("values").begin_array();
  for (std::size_t i = 0; i < s.size(); ++i) {
    out.begin_object().key("id").value(customer_id(s, i)).key("clv").value(values[i]).end_object();
  }
  out.end_array().end_object();
  std::printf("%s\n", out.str().c_str());
  return kExitOk;
}

}  // namespace

int run_clv(const Args& args) {
  const std::string action = args.words.size() == 2 ? args.words[1] : "";
  if (action == "fit") return run_fit(args);
  if (action == "predict") return run_predict(args);
  if (action == "value") return run_value(args);
  return clv_usage("clv needs one of fit, predict, value");
}

}  // namespace fidelis::cli
