#include "api/kpis.h"

#include <algorithm>
#include <map>

#include "analytics/analysis_json.h"
#include "api/period_facts.h"
#include "core/json_reader.h"
#include "core/json_writer.h"
#include "domain/ledger/state.h"
#include "engine/engine.h"

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
  std::int64_t referred = 0;                      // members who joined with a referral (any status)
  std::map<std::string, std::int64_t> referrals;  // by status
  // UTC days each member was first seen, and those when members joined by referral.
  std::vector<std::int64_t> first_seen_days, referred_days;
  // UTC days members started and first completed a mission of the program in force (one per
  // member and mission; INT64_MIN when the stored state does not say).
  std::vector<std::int64_t> mission_started_days, mission_completed_days;
};

std::int64_t day_or_unknown(const std::optional<core::Timestamp>& at) {
  return at ? utc_day(*at) : INT64_MIN;
}

// The program's figures of one period: members at its end, joined and referred in it, points
// moved in it and outstanding at its end.
struct ProgramPeriod {
  std::int64_t members = 0, joined = 0, referred = 0;
  PointsPeriod points;
  domain::Points outstanding = 0;
  // Since the program began, to the period's end: the rates compare like the lifetime ones (a
  // period's own expiries are of older lots, and may exceed what it issued).
  domain::Points issued_to_end = 0, redeemed_to_end = 0, expired_to_end = 0;
  // Missions started and completed in the period (member × mission), and their totals since the
  // program began: completion is compared to the period's end like the lifetime figure.
  std::int64_t missions_started = 0, missions_completed = 0;
  std::int64_t missions_started_to_end = 0, missions_completed_to_end = 0;
};

bool in_force(const domain::Program* program, const std::string& mission) {
  return program != nullptr &&
         std::any_of(program->missions.begin(), program->missions.end(),
                     [&](const domain::Mission& m) { return m.id == mission; });
}

// The predicted CLV as the models saw it at the end of `row`: fitted again on the orders up to
// that day (null when they cannot be fitted).
void write_clv_at_end(core::JsonWriter& out, const analytics::OrderTable& table,
                      analytics::AnalysisOptions options, const analytics::PeriodRow& row) {
  options.as_of_day = row.end_day - 1;
  const auto analysis =
      analytics::analyze(analytics::orders_until(table, row.end_day - 1), options);
  if (!analysis.ok()) {
    out.null();
    return;
  }
  analytics::write_clv_json(out, *analysis);
}

}  // namespace

namespace {

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
                                    const domain::Program* program, analytics::PeriodKind period,
                                    const analytics::OrdersRead& read) {
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
    totals.first_seen_days.push_back(utc_day(state.first_seen_at));
    if (state.referral) {
      totals.referred_days.push_back(utc_day(state.referral->at));
      ++totals.referred;
      ++totals.referrals[std::string(domain::referral_status_name(state.referral->status))];
    }
    for (const auto& progress : state.missions) {
      if (!in_force(program, progress.mission)) continue;
      totals.mission_started_days.push_back(day_or_unknown(progress.started_at));
      if (progress.completed > 0)
        totals.mission_completed_days.push_back(day_or_unknown(progress.completed_at));
    }
  }));
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
  // The outstanding points in money, at the best amount per point a reward offers.
  out.key("liability");
  const auto liability =
      program ? program->value_of(totals.available + totals.pending - totals.debt) : std::nullopt;
  if (liability) {
    out.begin_object().key("amount").value(
        core::format_amount(liability->minor, liability->currency));
    out.key("currency").value(liability->currency.code_view()).end_object();
  } else {
    out.null();
  }
  out.end_object();
  out.key("referrals").begin_object().key("referred").value(totals.referred);
  out.key("referral_rate");
  percent(out, totals.referred, totals.members);
  out.key("by_status").begin_object();
  for (const auto& [status, count] : totals.referrals) out.key(status).value(count);
  out.end_object().end_object();
  // Mission completion: members who completed a mission among those who started it, all missions
  // of the program in force together.
  out.key("missions");
  if (program != nullptr && !program->missions.empty()) {
    FIDELIS_TRY(const auto stats, engine::mission_stats(store, shop, *program));
    std::int64_t started = 0, completed = 0;
    for (const auto& entry : stats) {
      started += entry.started;
      completed += entry.completed;
    }
    out.begin_object().key("started").value(started).key("completed").value(completed);
    out.key("completion_rate");
    percent(out, completed, started);
    out.end_object();
  } else {
    out.null();
  }
  if (!analysis.ok()) {
    out.key("currency").null().key("customers").value(0);
    out.key("repeat_purchase_rate").null();
    out.key("current").null().key("previous").null().key("to_date").null().key("clv").null();
    out.key("clv_periods").null().key("satisfaction").null().key("non_members").null();
    out.key("program_periods").null();
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
  // The same forecast made at the end of the last complete period and of the one before, to
  // compare like every other card (two more fits over the orders up to those days).
  out.key("clv_periods").begin_object();
  for (const auto& [label, from_end] : {std::pair{"current", 1}, std::pair{"previous", 2}}) {
    out.key(label);
    if (periods.size() > static_cast<std::size_t>(from_end)) {
      write_clv_at_end(out, read.table, options, periods[periods.size() - 1 - from_end]);
    } else {
      out.null();
    }
  }
  out.end_object();
  // Survey answers and non-members' orders in the same periods as current, previous and
  // to_date (members' AOV is the periods' own average_order_value).
  FIDELIS_TRY(const auto facts, facts_by_period(store, shop, periods, read.table.currency));
  const auto by_period = [&](const char* name, const auto& rows, const auto& write) {
    out.key(name).begin_object();
    for (const auto& [label, from_end] :
         {std::pair{"current", 1}, std::pair{"previous", 2}, std::pair{"to_date", 0}}) {
      out.key(label);
      if (rows.size() > static_cast<std::size_t>(from_end)) {
        write(out, rows[rows.size() - 1 - from_end]);
      } else {
        out.null();
      }
    }
    out.end_object();
  };
  by_period("satisfaction", facts.satisfaction, write_satisfaction);
  by_period("non_members", facts.guests, write_guest_orders);
  // The program cards' figures per period, compared like the order KPIs.
  FIDELIS_TRY(const auto points, points_by_period(store, shop, periods));
  std::vector<ProgramPeriod> program_rows(periods.size());
  for (const auto& [days, count] :
       {std::pair{&totals.first_seen_days, &ProgramPeriod::joined},
        std::pair{&totals.referred_days, &ProgramPeriod::referred},
        std::pair{&totals.mission_started_days, &ProgramPeriod::missions_started},
        std::pair{&totals.mission_completed_days, &ProgramPeriod::missions_completed}}) {
    for (std::int64_t day : *days) ++(program_rows[nearest_period(periods, day)].*count);
  }
  // Running totals to each period's end, from its predecessor's.
  for (std::size_t i = 0; i < periods.size(); ++i) {
    ProgramPeriod& row = program_rows[i];
    const ProgramPeriod before = i > 0 ? program_rows[i - 1] : ProgramPeriod{};
    row.points = points[i];
    row.members = before.members + row.joined;
    row.outstanding = before.outstanding + points[i].outstanding_change;
    row.issued_to_end = before.issued_to_end + points[i].issued;
    row.redeemed_to_end = before.redeemed_to_end + points[i].redeemed;
    row.expired_to_end = before.expired_to_end + points[i].expired;
    row.missions_started_to_end = before.missions_started_to_end + row.missions_started;
    row.missions_completed_to_end = before.missions_completed_to_end + row.missions_completed;
  }
  by_period("program_periods", program_rows, [&](core::JsonWriter& o, const ProgramPeriod& p) {
    o.begin_object().key("members").value(p.members).key("joined").value(p.joined);
    o.key("referred").value(p.referred).key("referral_rate");
    percent(o, p.referred, p.joined);
    o.key("points").begin_object().key("issued").value(p.points.issued);
    o.key("redeemed").value(p.points.redeemed).key("expired").value(p.points.expired);
    o.key("reversed").value(p.points.reversed).key("outstanding").value(p.outstanding);
    o.end_object().key("redemption_rate");
    percent(o, p.redeemed_to_end, p.issued_to_end);
    o.key("breakage_rate");
    percent(o, p.expired_to_end, p.issued_to_end);
    o.key("missions");
    if (program != nullptr && !program->missions.empty()) {
      o.begin_object().key("started").value(p.missions_started);
      o.key("completed").value(p.missions_completed);
      o.key("started_to_end").value(p.missions_started_to_end);
      o.key("completed_to_end").value(p.missions_completed_to_end).key("completion_rate");
      percent(o, p.missions_completed_to_end, p.missions_started_to_end);
      o.end_object();
    } else {
      o.null();
    }
    o.end_object();
  });
  out.end_object();
  return out.take();
}

}  // namespace fidelis::api
