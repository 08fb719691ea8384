// The dashboard's key figures (GET /v1/analytics/kpis): the order KPIs of the current and the
// previous period from the store's own orders (the same analysis as `fidelis analyze`), the
// predicted CLV, the points totals of every member (liability, redemption and breakage), survey
// satisfaction (NPS, CSAT, CES) per period, referrals and mission completion.
#pragma once

#include <string>

#include "analytics/analysis.h"
#include "core/json_writer.h"
#include "core/result.h"
#include "domain/program/program.h"
#include "store/store.h"

namespace fidelis::api {

// Survey answers of one period: NPS (promoters 9-10 minus detractors 0-6, in points of percent),
// CSAT (share of 4-5 answers) and CES (mean effort, 1-7, lower is better).
struct Satisfaction {
  std::int64_t nps_answers = 0, promoters = 0, detractors = 0;
  std::int64_t csat_answers = 0, satisfied = 0;
  std::int64_t ces_answers = 0, ces_sum = 0;
};

// Survey answers by the analysis' periods (UTC days); answers outside them are left out.
core::Result<std::vector<Satisfaction>> satisfaction_by_period(
    store::Store& store, const std::string& shop, const std::vector<analytics::PeriodRow>& periods);
// {"nps", "nps_answers", "csat", "csat_answers", "ces", "ces_answers"}, null figures without
// answers.
void write_satisfaction(core::JsonWriter& out, const Satisfaction& satisfaction);

// The JSON of the route (docs/reference/http.md). A shop without orders has null periods and
// CLV, with the reason in "why_not". `program`: the one in force (liability, missions), or null.
core::Result<std::string> kpis_json(store::Store& store, const std::string& shop,
                                    const domain::Program* program, analytics::PeriodKind period);

}  // namespace fidelis::api
