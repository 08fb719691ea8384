#include "analytics/report/html_report.h"

#include "core/html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string_view>
#include <vector>

namespace fidelis::analytics {

namespace {

// Rows of the "valuable customers at risk" table.
constexpr std::size_t kAtRiskRowsMax = 20;
// Points of the concentration curve and bars of the CLV histogram.
constexpr int kCurvePoints = 50;
constexpr int kHistogramBars = 20;

std::string escape(std::string_view text) { return core::html_escaped(text); }

std::string number(double value, int decimals = 1) {
  if (std::isnan(value)) return "–";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string card(const std::string& label, const std::string& value, const std::string& note = {}) {
  return "<div class=card><div class=label>" + escape(label) + "</div><div class=value>" +
         escape(value) + "</div>" +
         (note.empty() ? "" : "<div class=note>" + escape(note) + "</div>") + "</div>";
}

struct Series {
  std::string name;
  std::string color;
  std::vector<double> values;  // NaN = gap
};

// A line chart over labelled x positions, y from 0 to the largest value (or 100 for percents).
std::string line_chart(const std::vector<std::string>& labels, const std::vector<Series>& series,
                       double y_max) {
  const double width = 720, height = 240, left = 48, bottom = 28, top = 12, right = 12;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  const std::size_t n = labels.size();
  auto x_of = [&](std::size_t i) {
    return left +
           (n > 1 ? plot_w * static_cast<double>(i) / static_cast<double>(n - 1) : plot_w / 2);
  };
  auto y_of = [&](double v) { return top + plot_h * (1 - std::clamp(v / y_max, 0.0, 1.0)); };
  std::string svg = "<svg class=chart viewBox='0 0 720 240' role=img>";
  for (int k = 0; k <= 4; ++k) {
    const double v = y_max * k / 4;
    svg += "<line x1=" + number(left, 0) + " x2=" + number(width - right, 0) +
           " y1=" + number(y_of(v)) + " y2=" + number(y_of(v)) + " class=grid />";
    svg += "<text x=" + number(left - 6, 0) + " y=" + number(y_of(v) + 4) + " text-anchor=end>" +
           number(v, 0) + "</text>";
  }
  const std::size_t step = std::max<std::size_t>(1, n / 8);
  for (std::size_t i = 0; i < n; i += step) {
    svg += "<text x=" + number(x_of(i)) + " y=" + number(height - 8, 0) + " text-anchor=middle>" +
           escape(labels[i]) + "</text>";
  }
  for (const Series& s : series) {
    std::string points;
    for (std::size_t i = 0; i < s.values.size(); ++i) {
      if (std::isnan(s.values[i])) continue;
      points += number(x_of(i)) + "," + number(y_of(s.values[i])) + " ";
    }
    svg +=
        "<polyline fill=none stroke='" + s.color + "' stroke-width=2.5 points='" + points + "'/>";
  }
  svg += "</svg><div class=legend>";
  for (const Series& s : series)
    svg += "<span style='color:" + s.color + "'>■</span> " + escape(s.name) + " ";
  return svg + "</div>";
}

// Blue scale from white (0 %) to deep blue (100 %).
std::string heat_color(double percent) {
  const double t = std::clamp(percent / 100, 0.0, 1.0);
  const int r = static_cast<int>(255 - t * (255 - 30)), g = static_cast<int>(255 - t * (255 - 90)),
            b = static_cast<int>(255 - t * (255 - 200));
  char text[16];
  std::snprintf(text, sizeof text, "#%02x%02x%02x", r, g, b);
  return text;
}

std::string cohort_heatmap(const Analysis& analysis) {
  std::string html = "<table class=heat><tr><th>cohort</th><th>size</th>";
  const std::size_t months = analysis.cohorts.size();
  for (std::size_t k = 0; k < months; ++k) html += "<th>+" + std::to_string(k) + "</th>";
  html += "</tr>";
  for (const Cohort& cohort : analysis.cohorts) {
    html += "<tr><td>" + format_local_date(first_day_of_month(cohort.month)).substr(0, 7) +
            "</td><td>" + std::to_string(cohort.size) + "</td>";
    for (std::int64_t active : cohort.active) {
      const double share =
          cohort.size > 0 ? 100.0 * static_cast<double>(active) / static_cast<double>(cohort.size)
                          : NAN;
      html +=
          "<td style='background:" + (std::isnan(share) ? std::string("#fff") : heat_color(share)) +
          "'>" + (std::isnan(share) ? "" : number(share, 0)) + "</td>";
    }
    html += "</tr>";
  }
  return html + "</table>";
}

std::string rfm_grid(const Analysis& analysis) {
  std::int64_t largest = 1;
  for (const auto& row : analysis.rfm_grid)
    largest = std::max(largest, *std::max_element(row.begin(), row.end()));
  std::string svg = "<svg class=chart viewBox='0 0 420 330' role=img>";
  for (int r = 5; r >= 1; --r) {
    for (int f = 1; f <= 5; ++f) {
      const double x = 40 + (f - 1) * 76, y = 10 + (5 - r) * 60;
      const std::int64_t count = analysis.rfm_grid[r - 1][f - 1];
      svg += "<rect x=" + number(x, 0) + " y=" + number(y, 0) + " width=74 height=58 fill='" +
             heat_color(100.0 * static_cast<double>(count) / static_cast<double>(largest)) + "' />";
      svg += "<text x=" + number(x + 37, 0) + " y=" + number(y + 26, 0) +
             " text-anchor=middle class=count>" + std::to_string(count) + "</text>";
      svg += "<text x=" + number(x + 37, 0) + " y=" + number(y + 44, 0) +
             " text-anchor=middle class=small>" + kRfmSegments[rfm_segment(r, f)] + "</text>";
    }
    svg += "<text x=30 y=" + number(10 + (5 - r) * 60 + 34, 0) + " text-anchor=end>R" +
           std::to_string(r) + "</text>";
  }
  for (int f = 1; f <= 5; ++f) {
    svg += "<text x=" + number(40 + (f - 1) * 76 + 37, 0) + " y=324 text-anchor=middle>F" +
           std::to_string(f) + "</text>";
  }
  return svg + "</svg>";
}

std::string concentration_curve(const CustomerFacts& facts) {
  std::vector<Milli> revenue = facts.revenue;
  std::sort(revenue.begin(), revenue.end(), std::greater<>());
  const double total =
      static_cast<double>(std::accumulate(revenue.begin(), revenue.end(), Milli{0}));
  std::vector<std::string> labels;
  Series curve{"share of revenue (%)", "#1e5ac8", {}};
  Series even{"every customer alike", "#bbbbbb", {}};
  Milli running = 0;
  std::size_t taken = 0;
  for (int k = 0; k <= kCurvePoints; ++k) {
    const auto upto = static_cast<std::size_t>(
        std::llround(static_cast<double>(revenue.size()) * k / kCurvePoints));
    for (; taken < upto; ++taken) running += revenue[taken];
    labels.push_back(number(100.0 * k / kCurvePoints, 0) + "%");
    curve.values.push_back(total > 0 ? 100 * static_cast<double>(running) / total : 0);
    even.values.push_back(100.0 * k / kCurvePoints);
  }
  return line_chart(labels, {curve, even}, 100);
}

std::string clv_histogram(const CustomerFacts& facts) {
  std::vector<double> values;
  for (double v : facts.clv) {
    if (!std::isnan(v)) values.push_back(v);
  }
  if (values.empty()) return "<p>The CLV models could not be fitted on this history.</p>";
  std::sort(values.begin(), values.end());
  // Up to the 99th percentile, so one whale does not flatten every bar.
  const double top =
      values[static_cast<std::size_t>(0.99 * static_cast<double>(values.size() - 1))];
  const double width = top > 0 ? top / kHistogramBars : 1;
  std::vector<std::int64_t> bars(kHistogramBars, 0);
  for (double v : values)
    ++bars[std::min<std::size_t>(kHistogramBars - 1,
                                 static_cast<std::size_t>(std::max(0.0, v) / width))];
  const double largest = static_cast<double>(*std::max_element(bars.begin(), bars.end()));
  std::string svg = "<svg class=chart viewBox='0 0 720 240' role=img>";
  for (int i = 0; i < kHistogramBars; ++i) {
    const double h = largest > 0 ? 190 * static_cast<double>(bars[i]) / largest : 0;
    svg += "<rect x=" + number(40 + i * 33.5) + " y=" + number(200 - h) +
           " width=30 height=" + number(h) + " fill='#2e8b57'><title>" + number(i * width, 0) +
           "–" + number((i + 1) * width, 0) + ": " + std::to_string(bars[i]) + "</title></rect>";
    if (i % 4 == 0)
      svg += "<text x=" + number(40 + i * 33.5) + " y=220>" + number(i * width, 0) + "</text>";
  }
  return svg +
         "<text x=40 y=236 class=small>customers per band of predicted CLV (top 1 % in the last "
         "band)</text></svg>";
}

std::string at_risk_table(const Analysis& analysis, const OrderTable& table) {
  const CustomerFacts& f = analysis.customers;
  std::vector<std::size_t> at_risk;
  for (std::size_t c = 0; c < f.lifecycle.size(); ++c) {
    if (f.lifecycle[c] == Lifecycle::at_risk) at_risk.push_back(c);
  }
  // Most valuable first: predicted CLV when modelled, else what they spent.
  std::sort(at_risk.begin(), at_risk.end(), [&](std::size_t a, std::size_t b) {
    const double va = std::isnan(f.clv[a]) ? static_cast<double>(f.revenue[a]) : f.clv[a];
    const double vb = std::isnan(f.clv[b]) ? static_cast<double>(f.revenue[b]) : f.clv[b];
    return va > vb;
  });
  if (at_risk.size() > kAtRiskRowsMax) at_risk.resize(kAtRiskRowsMax);
  std::string html =
      "<table class=list><tr><th>customer</th><th>orders</th><th>revenue</th><th>last "
      "order</th><th>P(alive)</th>"
      "<th>predicted CLV</th><th>segment</th><th>value score</th></tr>";
  for (std::size_t c : at_risk) {
    html += "<tr><td>" + escape(table.customer_ids[c]) + "</td><td>" + std::to_string(f.orders[c]) +
            "</td><td>" + format_milli(f.revenue[c]) + "</td><td>" +
            format_local_date(f.last_day[c]) + "</td><td>" + number(f.p_alive[c], 2) + "</td><td>" +
            number(f.clv[c], 2) + "</td><td>" + kRfmSegments[f.segment[c]] + "</td><td>" +
            number(f.value_score[c], 0) + "</td></tr>";
  }
  return html + "</table>";
}

constexpr const char* kStyle = R"(<style>
body{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px;color:#1d2433;background:#f6f7fb}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}
.sub{color:#5b6475;margin-bottom:16px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px}
.card{background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 3px #0002}
.label{font-size:12px;color:#5b6475}.value{font-size:24px;font-weight:bold;margin-top:4px}.note{font-size:11px;color:#5b6475}
.panel{background:#fff;border-radius:8px;padding:12px;box-shadow:0 1px 3px #0002;overflow-x:auto}
svg.chart{width:100%;max-width:760px;height:auto;font-size:11px}svg .grid{stroke:#e3e6ee}
svg .count{font-size:16px;font-weight:bold}svg .small{font-size:9px;fill:#333}
.legend{font-size:12px;margin-top:4px}
table{border-collapse:collapse;font-size:12px}td,th{padding:4px 6px;text-align:right}
table.heat td{min-width:26px;border:1px solid #fff}table.list tr:nth-child(even){background:#f1f3f8}
</style>)";

}  // namespace

std::string render_html_report(const Analysis& analysis, const OrdersRead& read) {
  const OrderTable& table = read.table;
  const CustomerFacts& facts = analysis.customers;
  std::string html =
      "<!doctype html><html lang=en><head><meta charset=utf-8><title>Fidelis analysis</title>";
  html += kStyle;
  html += "</head><body><h1>Customer analysis</h1><div class=sub>" +
          std::to_string(table.order_count()) + " orders of " +
          std::to_string(table.customer_count()) + " customers, " +
          format_local_date(day_of(analysis.first_order_time)) + " to " +
          format_local_date(day_of(analysis.last_order_time)) + " (" + escape(table.currency) +
          ")</div>";

  // KPI cards: the last complete period beside the whole history.
  const PeriodRow* last = analysis.periods.size() >= 2
                              ? &analysis.periods[analysis.periods.size() - 2]
                              : &analysis.periods.back();
  auto rate = [](std::int64_t part, std::int64_t whole) {
    return whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : NAN;
  };
  double clv_total = 0;
  for (double v : facts.clv) clv_total += std::isnan(v) ? 0 : v;
  const std::string period_note = "period from " + format_local_date(last->start_day);
  html += "<h2>Key figures</h2><div class=cards>";
  html += card("Customers", std::to_string(table.customer_count()));
  html += card("Revenue", format_milli(analysis.revenue) + " " + table.currency);
  html += card(
      "Repeat purchase rate",
      number(rate(analysis.repeat_customers, static_cast<std::int64_t>(table.customer_count()))) +
          " %");
  html +=
      card("Retention rate",
           number(rate(last->customers_end - last->new_customers, last->customers_start)) + " %",
           period_note);
  html += card("Churn rate",
               number(rate(last->customers_start - last->retained, last->customers_start)) + " %",
               period_note);
  html += card(
      "Average order value",
      last->orders > 0 ? format_milli(last->revenue / last->orders) + " " + table.currency : "–",
      period_note);
  html += card("Top 20 % of customers", number(analysis.concentration[3]) + " %", "of revenue");
  html += card("Predicted CLV",
               analysis.clv.has_spend ? number(clv_total, 0) + " " + table.currency : "–",
               std::to_string(analysis.options.horizon_months) + " months, discounted");
  html +=
      card("At risk",
           std::to_string(analysis.lifecycle_counts[static_cast<std::size_t>(Lifecycle::at_risk)]),
           "customers");
  html += card("Refunds", format_milli(analysis.refunds) + " " + table.currency);
  html += "</div>";

  std::vector<std::string> labels;
  Series retention{"retention rate (%)", "#1e5ac8", {}}, churn{"churn rate (%)", "#d0453a", {}},
      repeat{"repeat purchase rate (%)", "#2e8b57", {}};
  double y_max = 100;
  for (const PeriodRow& row : analysis.periods) {
    labels.push_back(format_local_date(row.start_day).substr(0, 7));
    retention.values.push_back(rate(row.customers_end - row.new_customers, row.customers_start));
    churn.values.push_back(rate(row.customers_start - row.retained, row.customers_start));
    repeat.values.push_back(rate(row.repeat_customers, row.customers_end));
    if (!std::isnan(retention.values.back())) y_max = std::max(y_max, retention.values.back());
  }
  html += "<h2>Retention and churn by period</h2><div class=panel>" +
          line_chart(labels, {retention, churn, repeat}, std::ceil(y_max / 25) * 25) + "</div>";
  html +=
      "<h2>Cohorts: share of each month's new customers ordering k months later (%)</h2><div "
      "class=panel>" +
      cohort_heatmap(analysis) + "</div>";
  html += "<h2>RFM grid (recency × frequency, customers per cell)</h2><div class=panel>" +
          rfm_grid(analysis) + "</div>";
  html += "<h2>Revenue concentration (customers by revenue, largest first)</h2><div class=panel>" +
          concentration_curve(facts) + "</div>";
  html += "<h2>Predicted CLV distribution</h2><div class=panel>" + clv_histogram(facts) + "</div>";
  html += "<h2>Valuable customers at risk</h2><div class=panel>" + at_risk_table(analysis, table) +
          "</div>";
  html += "<p class=sub>Made by Fidelis from " + std::to_string(read.rows) + " rows (" +
          std::to_string(read.bad_rows) +
          " skipped). Definitions: docs/reference/analytics.md.</p></body></html>\n";
  return html;
}

}  // namespace fidelis::analytics
