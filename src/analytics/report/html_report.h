// `fidelis analyze … --html report.html`: one self-contained page (inline CSS and SVG, no script,
// no network) with KPI cards, period trends, the cohort heatmap, the RFM grid, the revenue
// concentration curve, the CLV distribution and the valuable customers at risk.
#pragma once

#include <string>

#include "analytics/analysis.h"
#include "analytics/orders/order_readers.h"

namespace fidelis::analytics {

std::string render_html_report(const Analysis& analysis, const OrdersRead& read);

}  // namespace fidelis::analytics
