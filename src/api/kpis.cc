#include "api/kpis.h"

#include "analytics/analysis_json.h"
#include "api/store_orders.h"
#include "core/json_writer.h"
#include "domain/ledger/state.h"

namespace fidelis::api {
namespace {

const char* period_name(analytics::PeriodKind period) {
  switch (period) {
    case analytics::PeriodKind::quarter:
      return "quarter";
    case analytics::PeriodKind::year:
      return "year";
    case analytics::PeriodKind::month:
      break;
  }
  return "month";
}

struct PointTotals {
  std::int64_t members = 0;
  domain::Points available = 0, pending = 0, debt = 0, earned = 0, spent = 0, expired = 0,
                 reversed = 0;
};

// A share of `whole` in percent, or null when `whole` is zero.
void percent(core::JsonWriter& out, domain::Points part, domain::Points whole) {
  if (whole == 0) {
    out.null();
  } else {
    out.value(100.0 * static_cast<double>(part) / static_cast<double>(whole));
  }
}

}  // namespace

core::Result<std::string> kpis_json(store::Store& store, const std::string& shop,
                                    analytics::PeriodKind period) {
  PointTotals totals;
  FIDELIS_CHECK(store.for_each_member(shop, [&](const domain::MemberState& state) {
    ++totals.members;
    totals.available += state.available();
    totals.pending += state.pending();
    totals.debt += state.debt;
    totals.earned += state.earned;
    totals.spent += state.spent;
    totals.expired += state.expired;
    totals.reversed += state.reversed;
  }));
  FIDELIS_TRY(auto read, orders_from_store(store, shop, ""));
  analytics::AnalysisOptions options;
  options.period = period;
  auto analysis = analytics::analyze(read.table, options);

  core::JsonWriter out;
  out.begin_object().key("shop").value(shop).key("period").value(period_name(period));
  out.key("members").value(totals.members);
  out.key("points").begin_object();
  out.key("available").value(totals.available).key("pending").value(totals.pending);
  out.key("debt").value(totals.debt).key("earned").value(totals.earned);
  out.key("spent").value(totals.spent).key("expired").value(totals.expired);
  out.key("reversed").value(totals.reversed);
  // What the shop still owes in points: available and pending, less debt.
  out.key("outstanding").value(totals.available + totals.pending - totals.debt);
  out.key("redemption_rate");
  percent(out, totals.spent, totals.earned);
  out.key("breakage_rate");
  percent(out, totals.expired, totals.earned);
  out.end_object();
  if (!analysis.ok()) {
    out.key("currency").null().key("customers").value(0);
    out.key("repeat_purchase_rate").null();
    out.key("current").null().key("previous").null().key("to_date").null().key("clv").null();
    out.key("why_not").value(analysis.errors().front().message);
    out.end_object();
    return out.take();
  }
  const auto& periods = analysis->periods;
  out.key("currency").value(read.table.currency);
  out.key("customers").value(static_cast<std::uint64_t>(read.table.customer_count()));
  out.key("repeat_purchase_rate")
      .value(100.0 * static_cast<double>(analysis->repeat_customers) /
             static_cast<double>(read.table.customer_count()));
  // As in the HTML report: the latest order's period is still running ("to_date"); "current" is
  // the last complete period, "previous" the one before it.
  const auto period_at = [&](std::size_t from_end) {
    if (periods.size() > from_end) {
      analytics::write_period_json(out, periods[periods.size() - 1 - from_end]);
    } else {
      out.null();
    }
  };
  out.key("current");
  period_at(1);
  out.key("previous");
  period_at(2);
  out.key("to_date");
  period_at(0);
  out.key("clv");
  analytics::write_clv_json(out, *analysis);
  out.end_object();
  return out.take();
}

}  // namespace fidelis::api
