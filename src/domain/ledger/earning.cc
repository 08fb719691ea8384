// Order earning: discount allocation, base per line (net merchandise or margin), multipliers,
// one rounding per order, and the exact share of each line.
#include "domain/ledger/earning.h"

#include <algorithm>
#include <numeric>

#include "core/assert.h"

namespace fidelis::domain {

std::vector<Points> distribute(Points total, const std::vector<Wide>& weights) {
  // One weight takes everything (most orders have one line): no remainders to rank.
  if (weights.size() == 1) return {weights[0] > 0 ? total : 0};
  std::vector<Points> shares(weights.size(), 0);
  const Wide sum = std::accumulate(weights.begin(), weights.end(), Wide{0});
  if (sum <= 0 || total == 0) return shares;
  std::vector<std::pair<Wide, std::size_t>> remainders;
  remainders.reserve(weights.size());
  Points given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const Wide exact = static_cast<Wide>(total) * weights[i];
    shares[i] = static_cast<Points>(exact / sum);
    given += shares[i];
    remainders.emplace_back(exact % sum, i);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < total; ++k) {
    FIDELIS_ASSERT(k < remainders.size());
    ++shares[remainders[k].second];
    ++given;
  }
  return shares;
}

namespace {

std::vector<std::int64_t> allocate_discount(std::int64_t discount,
                                            const std::vector<std::int64_t>& gross) {
  if (discount == 0) return std::vector<std::int64_t>(gross.size(), 0);
  std::vector<Wide> weights(gross.begin(), gross.end());
  const std::vector<Points> shares = distribute(discount, weights);
  return std::vector<std::int64_t>(shares.begin(), shares.end());
}

std::int64_t multiplier_for(const Earning& earning, const OrderLine& line) {
  if (const auto sku = earning.sku_multipliers.find(line.sku);
      sku != earning.sku_multipliers.end()) {
    return sku->second;
  }
  if (const auto category = earning.category_multipliers.find(line.category);
      category != earning.category_multipliers.end()) {
    return category->second;
  }
  return kMultiplierScale;
}

}  // namespace

core::Result<OrderEarning> compute_order_earning(const Program& program, const OrderPlaced& order) {
  const Earning& earning = program.earning;
  const EarnRate* rate = program.rate_for(order.currency.code_view());
  if (rate == nullptr) {
    return core::make_error(
        core::ErrorCode::currency_not_in_program,
        "the program has no earning rate for " + std::string(order.currency.code_view()),
        "/data/currency");
  }
  // "*" rates are written in whole major units; exact currencies in their own unit.
  std::int64_t per_minor = 0;
  if (rate->currency == "*") {
    const core::Currency units{{'X', 'X', 'X', 0}, 0};
    per_minor = *core::parse_amount(rate->per, units) * order.currency.minor_per_unit();
  } else {
    per_minor = *core::parse_amount(rate->per, order.currency);
  }
  FIDELIS_ASSERT(per_minor > 0);

  std::vector<std::int64_t> gross;
  gross.reserve(order.lines.size());
  std::int64_t merchandise = 0;
  for (const auto& line : order.lines) {
    gross.push_back(line.quantity * line.unit_price);
    merchandise += gross.back();
  }
  const std::vector<std::int64_t> discount = allocate_discount(order.discount, gross);

  core::Errors errors;
  OrderEarning result;
  std::vector<Wide> exact;  // points * kMultiplierScale * per_minor, per line
  // The lines, then #shipping and #tax when they earn: exactly, as the order record keeps them.
  const std::size_t extras = (earning.include_shipping && order.shipping > 0 ? 1 : 0) +
                             (earning.include_tax && order.tax > 0 ? 1 : 0);
  exact.reserve(order.lines.size() + extras);
  result.lines.reserve(order.lines.size() + extras);
  for (std::size_t i = 0; i < order.lines.size(); ++i) {
    const OrderLine& line = order.lines[i];
    std::int64_t base = gross[i] - discount[i];
    if (earning.base == EarnBase::margin) {
      if (!line.unit_cost) {
        errors.push_back(core::make_error(core::ErrorCode::unit_cost_required,
                                          "the program earns on margin: unit_cost is required",
                                          "/data/lines/" + std::to_string(i) + "/unit_cost"));
        continue;
      }
      base = std::max<std::int64_t>(0, base - line.quantity * *line.unit_cost);
    }
    exact.push_back(static_cast<Wide>(base) * rate->points * multiplier_for(earning, line));
    OrderLineRecord record;
    record.line_id = line.line_id.empty() ? "#" + std::to_string(i + 1) : line.line_id;
    record.sku = line.sku;
    record.quantity = line.quantity;
    record.net = gross[i] - discount[i];
    if (line.unit_cost) {
      result.margin += std::max<std::int64_t>(0, record.net - line.quantity * *line.unit_cost);
    }
    result.lines.push_back(std::move(record));
  }
  if (!errors.empty()) return errors;
  auto add_extra = [&](std::string_view id, std::int64_t amount) {
    exact.push_back(static_cast<Wide>(amount) * rate->points * kMultiplierScale);
    OrderLineRecord record;
    record.line_id = std::string(id);
    record.sku = std::string(id);
    record.quantity = 1;
    result.lines.push_back(std::move(record));
  };
  if (earning.include_shipping && order.shipping > 0) add_extra("#shipping", order.shipping);
  if (earning.include_tax && order.tax > 0) add_extra("#tax", order.tax);

  const Wide denominator = static_cast<Wide>(per_minor) * kMultiplierScale;
  const Wide numerator = std::accumulate(exact.begin(), exact.end(), Wide{0});
  Wide points = numerator / denominator;
  const Wide remainder = numerator % denominator;
  if (earning.rounding == Rounding::up && remainder > 0) ++points;
  if (earning.rounding == Rounding::nearest && remainder * 2 >= denominator) ++points;
  FIDELIS_ASSERT(points <= static_cast<Wide>(kPointsMax) * 1000);
  result.points = static_cast<Points>(points);
  const std::vector<Points> shares = distribute(result.points, exact);
  for (std::size_t i = 0; i < shares.size(); ++i) result.lines[i].points = shares[i];
  result.total_paid = merchandise - order.discount + order.shipping + order.tax;
  result.merchandise = merchandise - order.discount;
  return result;
}

}  // namespace fidelis::domain
