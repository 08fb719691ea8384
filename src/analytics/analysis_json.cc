#include "analytics/analysis_json.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <numeric>

#include "analytics/clv/predict.h"
#include "core/json_writer.h"

namespace fidelis::analytics {

namespace {

// Money as an exact JSON number in major units ("1234.5" → 1234.50).
void money(core::JsonWriter& out, Milli amount) { out.raw(format_milli(amount)); }

// A rate or share (percent), or null when its denominator is zero.
void percent(core::JsonWriter& out, double numerator, double denominator) {
  if (denominator == 0) {
    out.null();
  } else {
    out.value(100 * numerator / denominator);
  }
}

std::string month_text(std::int64_t month) {
  return format_local_date(first_day_of_month(month)).substr(0, 7);
}

void write_fit(core::JsonWriter& out, const clv::FitResult& fit) {
  out.begin_object().key("params").begin_object();
  for (std::size_t k = 0; k < fit.params.size(); ++k)
    out.key(clv::parameter_names(fit.model)[k]).value(fit.params[k]);
  out.end_object()
      .key("log_likelihood")
      .value(fit.log_likelihood)
      .key("customers")
      .value(fit.customers);
  out.end_object();
}

}  // namespace

void write_clv_json(core::JsonWriter& out, const Analysis& analysis) {
  const ClvResult& result = analysis.clv;
  out.begin_object();
  out.key("unit").value(analysis.options.unit == TimeUnit::weeks ? "weeks" : "days");
  out.key("horizon_months").value(analysis.options.horizon_months);
  out.key("discount_monthly").value(analysis.options.discount_monthly);
  out.key("fitted").value(result.fitted && result.has_spend);
  if (!result.why_not.empty()) out.key("why_not").value(result.why_not);
  if (result.fitted) {
    out.key("bgnbd");
    write_fit(out, result.purchases);
  }
  if (result.has_spend) {
    out.key("gammagamma");
    write_fit(out, result.spend);
    std::vector<double> values;
    for (double value : analysis.customers.clv) {
      if (!std::isnan(value)) values.push_back(value);
    }
    std::sort(values.begin(), values.end(), std::greater<>());
    const double total = std::accumulate(values.begin(), values.end(), 0.0);
    const std::size_t top = (values.size() + 9) / 10;
    out.key("total").value(total).key("mean").value(
        values.empty() ? 0.0 : total / static_cast<double>(values.size()));
    out.key("median").value(values.empty() ? 0.0 : values[values.size() / 2]);
    out.key("top_10_percent_share");
    percent(out,
            std::accumulate(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(top), 0.0),
            total);
    // Deciles of the distribution, highest first: the value at the top 10 %, 20 %, … boundaries.
    out.key("deciles").begin_array();
    for (int decile = 1; decile <= 9 && !values.empty(); ++decile) {
      out.value(values[std::min(values.size() - 1,
                                values.size() * static_cast<std::size_t>(decile) / 10)]);
    }
    out.end_array();
  }
  out.end_object();
}

void write_period_json(core::JsonWriter& out, const PeriodRow& row) {
  out.begin_object();
  out.key("start")
      .value(format_local_date(row.start_day))
      .key("end")
      .value(format_local_date(row.end_day));
  out.key("customers_start")
      .value(row.customers_start)
      .key("customers_end")
      .value(row.customers_end);
  out.key("new_customers").value(row.new_customers);
  out.key("retention_rate");
  percent(out, static_cast<double>(row.customers_end - row.new_customers),
          static_cast<double>(row.customers_start));
  out.key("churn_rate");
  percent(out, static_cast<double>(row.customers_start - row.retained),
          static_cast<double>(row.customers_start));
  out.key("repeat_purchase_rate");
  percent(out, static_cast<double>(row.repeat_customers), static_cast<double>(row.customers_end));
  out.key("purchase_frequency");
  if (row.customers_end == 0) {
    out.null();
  } else {
    out.value(static_cast<double>(row.orders) / static_cast<double>(row.customers_end));
  }
  out.key("average_order_value");
  if (row.orders == 0) {
    out.null();
  } else {
    money(out, (row.revenue + row.orders / 2) / row.orders);
  }
  out.key("orders").value(row.orders);
  out.key("revenue");
  money(out, row.revenue);
  out.end_object();
}

std::string analysis_to_json(const Analysis& analysis, const OrdersRead& read) {
  const OrderTable& table = read.table;
  const CustomerFacts& facts = analysis.customers;
  core::JsonWriter out;
  out.begin_object();

  out.key("dataset").begin_object();
  out.key("orders").value(static_cast<std::uint64_t>(table.order_count()));
  out.key("customers").value(static_cast<std::uint64_t>(table.customer_count()));
  out.key("lines").value(analysis.lines);
  out.key("first_order_at").value(format_local_time(analysis.first_order_time));
  out.key("last_order_at").value(format_local_time(analysis.last_order_time));
  out.key("revenue");
  money(out, analysis.revenue);
  out.key("refunds");
  money(out, analysis.refunds);
  out.key("refund_count").value(static_cast<std::uint64_t>(table.refund_amount.size()));
  out.key("unmatched_refunds").value(table.unmatched_refunds);
  out.key("unmatched_refund_amount");
  money(out, table.unmatched_refund_amount);
  out.key("currency").value(table.currency);
  out.key("guest_orders").value(table.guest_orders);
  out.key("guest_revenue");
  money(out, table.guest_revenue);
  out.key("rows").value(read.rows).key("bad_rows").value(read.bad_rows);
  out.key("cancelled_orders")
      .value(read.cancelled_orders)
      .key("adjustments")
      .value(read.adjustments);
  out.end_object();

  out.key("periods").begin_array();
  for (const PeriodRow& row : analysis.periods) write_period_json(out, row);
  out.end_array();

  out.key("repeat_purchase_rate");
  percent(out, static_cast<double>(analysis.repeat_customers),
          static_cast<double>(table.customer_count()));
  out.key("revenue_concentration").begin_object();
  const char* shares[] = {"top_1_percent", "top_5_percent", "top_10_percent", "top_20_percent"};
  for (std::size_t k = 0; k < 4; ++k) out.key(shares[k]).value(analysis.concentration[k]);
  out.end_object();

  out.key("cohorts").begin_array();
  for (const Cohort& cohort : analysis.cohorts) {
    out.begin_object().key("month").value(month_text(cohort.month)).key("size").value(cohort.size);
    out.key("retention").begin_array();
    for (std::int64_t active : cohort.active)
      percent(out, static_cast<double>(active), static_cast<double>(cohort.size));
    out.end_array().end_object();
  }
  out.end_array();

  out.key("rfm").begin_object();
  out.key("as_of").value(format_local_date(analysis.as_of_day));
  out.key("segments").begin_object();
  for (std::size_t s = 0; s < kRfmSegments.size(); ++s)
    out.key(kRfmSegments[s]).value(analysis.segment_counts[s]);
  out.end_object();
  out.key("grid")
      .begin_array();  // grid[r-1][f-1]: customers with recency score r and frequency score f
  for (const auto& row : analysis.rfm_grid) {
    out.begin_array();
    for (std::int64_t count : row) out.value(count);
    out.end_array();
  }
  out.end_array().end_object();

  out.key("clv");
  write_clv_json(out, analysis);

  out.key("lifecycle").begin_object();
  for (std::size_t s = 0; s < analysis.lifecycle_counts.size(); ++s) {
    out.key(lifecycle_name(static_cast<Lifecycle>(s))).value(analysis.lifecycle_counts[s]);
  }
  out.end_object();

  double value_sum = 0;
  for (double score : facts.value_score) value_sum += score;
  out.key("value_score").begin_object();
  out.key("mean").value(
      facts.value_score.empty() ? 0.0 : value_sum / static_cast<double>(facts.value_score.size()));
  out.key("weights").begin_object();
  const ValueWeights& w = analysis.options.value_weights;
  out.key("value")
      .value(w.value)
      .key("refunds")
      .value(w.refunds)
      .key("regularity")
      .value(w.regularity);
  out.key("tenure").value(w.tenure);
  if (!table.customer_satisfaction.empty()) out.key("satisfaction").value(w.satisfaction);
  if (!table.customer_tickets.empty()) out.key("support").value(w.support);
  out.end_object();
  out.key("value_basis").value(table.has_margin() ? "margin" : "revenue");
  out.end_object();

  out.key("bad_row_examples").begin_array();
  for (const core::Error& error : read.bad_row_examples) {
    out.begin_object()
        .key("where")
        .value(error.where)
        .key("message")
        .value(error.message)
        .end_object();
  }
  out.end_array();
  out.end_object();
  return out.take();
}

core::Result<bool> write_customers_csv(const std::string& path, const Analysis& analysis,
                                       const OrderTable& table) {
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (!file) return core::make_error(core::ErrorCode::io_error, "cannot write the file", path);
  const CustomerFacts& f = analysis.customers;
  std::fputs(
      "id,frequency,recency,T,monetary,r,f,m,segment,p_alive,expected_purchases,clv,lifecycle,"
      "value_score\n",
      file);
  auto optional = [](double value) {
    return std::isnan(value) ? std::string() : std::to_string(value);
  };
  for (std::size_t c = 0; c < table.customer_count(); ++c) {
    // Ids are written as they came; one with a comma or quote is quoted (RFC 4180).
    std::string id = table.customer_ids[c];
    if (id.find_first_of(",\"\n") != std::string::npos) {
      std::string quoted = "\"";
      for (char ch : id) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      id = quoted + "\"";
    }
    std::fprintf(file, "%s,%.0f,%.4f,%.4f,%.4f,%d,%d,%d,%s,%s,%s,%s,%s,%.2f\n", id.c_str(),
                 f.frequency[c], f.recency[c], f.age[c], f.monetary[c], f.r[c], f.f[c], f.m[c],
                 kRfmSegments[f.segment[c]], optional(f.p_alive[c]).c_str(),
                 optional(f.expected_purchases[c]).c_str(), optional(f.clv[c]).c_str(),
                 lifecycle_name(f.lifecycle[c]), f.value_score[c]);
  }
  if (std::fclose(file) != 0)
    return core::make_error(core::ErrorCode::io_error, "cannot write the file", path);
  return true;
}

}  // namespace fidelis::analytics
