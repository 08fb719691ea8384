#include "api/charts.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "analytics/analysis_json.h"
#include "api/period_facts.h"
#include "core/json_writer.h"
#include "core/time.h"
#include "domain/ledger/state.h"

namespace fidelis::api {
namespace {

constexpr std::int64_t kMicrosPerDay = 86'400'000'000;
constexpr int kClvBins = 10;

std::string day_text(std::int64_t day) {
  return core::format_rfc3339(core::Timestamp{day * kMicrosPerDay}).substr(0, 10);
}

// Predicted CLV of the customers in kClvBins equal bins up to the 99th percentile, then one
// bin for the rest (a few large customers would otherwise squeeze every other bar to nothing).
void write_clv_distribution(core::JsonWriter& out, const std::vector<double>& clv) {
  std::vector<double> values;
  for (double value : clv)
    if (std::isfinite(value)) values.push_back(std::max(0.0, value));
  if (values.empty()) {
    out.null();
    return;
  }
  std::sort(values.begin(), values.end());
  const double top =
      values[static_cast<std::size_t>(0.99 * static_cast<double>(values.size() - 1))];
  // A round bin width: 1, 2 or 5 × a power of ten.
  const double raw = std::max(top / kClvBins, 0.01);
  const double decade = std::pow(10.0, std::floor(std::log10(raw)));
  const double width = raw <= decade       ? decade
                       : raw <= 2 * decade ? 2 * decade
                       : raw <= 5 * decade ? 5 * decade
                                           : 10 * decade;
  std::vector<std::int64_t> counts(kClvBins + 1, 0);
  for (double value : values) {
    const auto bin = static_cast<std::size_t>(value / width);
    ++counts[std::min<std::size_t>(bin, kClvBins)];
  }
  out.begin_object().key("bin_width").value(width).key("counts").begin_array();
  for (std::int64_t count : counts) out.value(count);
  out.end_array().key("customers").value(static_cast<std::uint64_t>(values.size()));
  out.end_object();
}

}  // namespace

core::Result<std::string> charts_json(store::Store& store, const std::string& shop,
                                      const domain::Program* program, analytics::PeriodKind period,
                                      const analytics::OrdersRead& read) {
  std::int64_t members = 0;
  std::map<std::string, std::int64_t> tiers;
  FIDELIS_CHECK(store.for_each_member(shop, [&](const domain::MemberState& state) {
    ++members;
    ++tiers[state.tier ? state.tier->id : ""];
  }));
  analytics::AnalysisOptions options;
  options.period = period;
  auto analysis = analytics::analyze(read.table, options);

  core::JsonWriter out;
  out.begin_object().key("shop").value(shop);
  out.key("members").value(members);
  // Members by tier, lowest first as the program lists them; "" is below the lowest tier (or a
  // program without tiers); tiers of an earlier version come last.
  out.key("tiers").begin_object();
  std::vector<std::string> order = {""};
  if (program != nullptr && program->tiers) {
    for (const auto& level : program->tiers->levels) order.push_back(level.id);
  }
  for (const auto& [tier, count] : tiers) {
    if (std::find(order.begin(), order.end(), tier) == order.end()) order.push_back(tier);
  }
  for (const std::string& tier : order) {
    const auto it = tiers.find(tier);
    out.key(tier).value(it == tiers.end() ? 0 : it->second);
  }
  out.end_object();
  if (!analysis.ok()) {
    out.key("analysis").null().key("clv_distribution").null();
    out.key("points").begin_array().end_array();
    out.key("satisfaction").begin_array().end_array();
    out.key("non_members").begin_array().end_array();
    out.key("why_not").value(analysis.errors().front().message).end_object();
    return out.take();
  }
  const auto& periods = analysis->periods;
  out.key("analysis").raw(analytics::analysis_to_json(*analysis, read));
  out.key("clv_distribution");
  write_clv_distribution(out, analysis->customers.clv);
  FIDELIS_TRY(const auto points, points_by_period(store, shop, periods));
  out.key("points").begin_array();
  domain::Points outstanding = 0;
  for (std::size_t i = 0; i < periods.size(); ++i) {
    outstanding += points[i].outstanding_change;
    out.begin_object().key("start").value(day_text(periods[i].start_day));
    out.key("issued").value(points[i].issued).key("redeemed").value(points[i].redeemed);
    out.key("expired").value(points[i].expired).key("reversed").value(points[i].reversed);
    out.key("outstanding").value(outstanding).end_object();
  }
  out.end_array();
  FIDELIS_TRY(const auto facts, facts_by_period(store, shop, periods, read.table.currency));
  out.key("satisfaction").begin_array();
  for (std::size_t i = 0; i < periods.size(); ++i) {
    out.begin_object().key("start").value(day_text(periods[i].start_day)).key("scores");
    write_satisfaction(out, facts.satisfaction[i]);
    out.end_object();
  }
  out.end_array();
  out.key("non_members").begin_array();
  for (std::size_t i = 0; i < periods.size(); ++i) {
    out.begin_object().key("start").value(day_text(periods[i].start_day)).key("orders");
    write_guest_orders(out, facts.guests[i]);
    out.end_object();
  }
  out.end_array().end_object();
  return out.take();
}

}  // namespace fidelis::api
