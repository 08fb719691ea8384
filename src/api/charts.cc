#include "api/charts.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "analytics/analysis_json.h"
#include "api/kpis.h"
#include "api/store_orders.h"
#include "core/json_writer.h"
#include "core/time.h"
#include "domain/ledger/state.h"

namespace fidelis::api {
namespace {

constexpr std::size_t kLedgerPage = 1000;
constexpr std::int64_t kMicrosPerDay = 86'400'000'000;
constexpr int kClvBins = 10;

std::int64_t day_of(core::Timestamp at) {
  return at.micros >= 0 ? at.micros / kMicrosPerDay
                        : (at.micros - kMicrosPerDay + 1) / kMicrosPerDay;
}

// Points moved in one period, over every member's ledger.
struct PointsPeriod {
  domain::Points issued = 0;    // credited: pending or available, positive adjustments
  domain::Points redeemed = 0;  // spent on rewards (net of codes given back)
  domain::Points expired = 0;
  domain::Points reversed = 0;            // taken back by refunds and cancellations
  domain::Points outstanding_change = 0;  // available + pending − debt, end minus start
};

// The period index of `day` (0 before the first, size()-1 after the last: a ledger line outside
// the order periods is counted in the nearest one).
std::size_t period_index(const std::vector<analytics::PeriodRow>& periods, std::int64_t day) {
  const auto it = std::upper_bound(
      periods.begin(), periods.end(), day,
      [](std::int64_t d, const analytics::PeriodRow& row) { return d < row.end_day; });
  if (it == periods.end()) return periods.size() - 1;
  return static_cast<std::size_t>(it - periods.begin());
}

core::Result<std::vector<PointsPeriod>> points_by_period(
    store::Store& store, const std::string& shop, const std::vector<std::string>& members,
    const std::vector<analytics::PeriodRow>& periods) {
  std::vector<PointsPeriod> out(periods.size());
  if (periods.empty()) return out;
  for (const std::string& member : members) {
    domain::Points outstanding = 0;
    for (std::uint64_t after = 0;;) {
      FIDELIS_TRY(const auto page, store.ledger(shop, member, after, kLedgerPage));
      for (const domain::LedgerLine& line : page) {
        after = line.seq;
        PointsPeriod& bucket = out[period_index(periods, day_of(line.at))];
        using domain::LineKind;
        switch (line.kind) {
          case LineKind::pending:
          case LineKind::earn:
            bucket.issued += line.points;
            break;
          case LineKind::adjust:
            if (line.points > 0) bucket.issued += line.points;
            break;
          case LineKind::spend:
            bucket.redeemed += std::abs(line.points);
            break;
          case LineKind::returned:
            bucket.redeemed -= std::abs(line.points);
            break;
          case LineKind::expire:
            bucket.expired += std::abs(line.points);
            break;
          case LineKind::reverse:
            bucket.reversed += std::abs(line.points);
            break;
          case LineKind::release:
          case LineKind::debt:
          case LineKind::repay:
            break;
        }
        const domain::Points now = line.available_after + line.pending_after - line.debt_after;
        bucket.outstanding_change += now - outstanding;
        outstanding = now;
      }
      if (page.size() < kLedgerPage) break;
    }
  }
  return out;
}

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
                                      const domain::Program* program,
                                      analytics::PeriodKind period) {
  std::vector<std::string> members;
  std::map<std::string, std::int64_t> tiers;
  FIDELIS_CHECK(store.for_each_member(shop, [&](const domain::MemberState& state) {
    members.push_back(state.member);
    ++tiers[state.tier ? state.tier->id : ""];
  }));
  FIDELIS_TRY(auto read, orders_from_store(store, shop, ""));
  analytics::AnalysisOptions options;
  options.period = period;
  auto analysis = analytics::analyze(read.table, options);

  core::JsonWriter out;
  out.begin_object().key("shop").value(shop);
  out.key("members").value(static_cast<std::uint64_t>(members.size()));
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
  FIDELIS_TRY(const auto points, points_by_period(store, shop, members, periods));
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
