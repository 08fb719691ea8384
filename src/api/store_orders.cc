#include "api/store_orders.h"

#include <limits>
#include <map>
#include <unordered_map>

#include "core/json_reader.h"
#include "domain/ledger/state.h"

namespace fidelis::api {

namespace {

// What the store knows of each customer beyond orders, for the value score: the mean of their
// survey scores on 0-100 (as tiers read them: NPS × 10, CSAT (1-5) → 0-100, CES (1-7, lower
// effort better) → 100-0; NaN when they never answered) and how many support tickets they opened.
// Each column stays empty when the shop has no such event at all.
struct CustomerSignals {
  std::vector<double> satisfaction;
  std::vector<double> tickets;
};

core::Result<CustomerSignals> customer_signals(store::Store& store, const std::string& shop,
                                               const std::vector<std::string>& customers) {
  std::unordered_map<std::string_view, std::size_t> index;
  for (std::size_t c = 0; c < customers.size(); ++c) index.emplace(customers[c], c);
  std::vector<double> sum(customers.size(), 0), count(customers.size(), 0),
      tickets(customers.size(), 0);
  bool any_survey = false, any_ticket = false;
  core::JsonParser parser;
  const auto read =
      store::for_each_input(store, shop, [&](const store::StoredInput& input) -> core::Status {
        const bool is_ticket = input.type == "support.ticket.opened";
        if (input.type != "survey.answered" && !is_ticket) return core::Ok{};
        const auto customer = index.find(input.member);
        if (customer == index.end()) return core::Ok{};  // a member without orders
        if (is_ticket) {
          ++tickets[customer->second];
          any_ticket = true;
          return core::Ok{};
        }
        auto body = parser.parse_object(input.body);
        simdjson::dom::object data;
        if (!body.ok() || (*body)["data"].get(data) != simdjson::SUCCESS) {
          return core::Ok{};
        }
        auto add = [&](const char* key, auto to_percent) {
          std::int64_t score = 0;
          if (data[key].get(score) != simdjson::SUCCESS) return;
          sum[customer->second] += to_percent(static_cast<double>(score));
          ++count[customer->second];
          any_survey = true;
        };
        add("nps", [](double nps) { return 10 * nps; });
        add("csat", [](double csat) { return 25 * (csat - 1); });
        add("ces", [](double ces) { return (7 - ces) * 100 / 6; });
        return core::Ok{};
      });
  if (!read.ok()) return read.errors();
  CustomerSignals signals;
  if (any_survey) {
    signals.satisfaction.assign(customers.size(), std::numeric_limits<double>::quiet_NaN());
    for (std::size_t c = 0; c < customers.size(); ++c) {
      if (count[c] > 0) signals.satisfaction[c] = sum[c] / count[c];
    }
  }
  if (any_ticket) signals.tickets = std::move(tickets);
  return signals;
}

}  // namespace

core::Result<analytics::OrdersRead> orders_from_store(store::Store& store, const std::string& shop,
                                                      const std::string& currency) {
  namespace an = analytics;
  std::string chosen = currency;
  if (chosen.empty()) {
    std::map<std::string, std::int64_t> by_currency;
    auto counted = store.for_each_order(shop, [&](const domain::OrderRecord& order) {
      ++by_currency[std::string(order.currency.code_view())];
    });
    if (!counted.ok()) return counted.errors();
    for (const auto& [code, orders] : by_currency) {
      if (chosen.empty() || orders > by_currency[chosen]) chosen = code;
    }
  }
  an::OrdersRead read;
  an::OrderTableBuilder builder;
  builder.table().currency = chosen;
  auto visited = store.for_each_order(shop, [&](const domain::OrderRecord& order) {
    ++read.rows;
    if (order.currency.code_view() != chosen) {
      ++read.bad_rows;
      return;
    }
    if (order.cancelled) {
      ++read.cancelled_orders;
      return;
    }
    // Minor units to thousandths of the major unit (exponent 0-3).
    const std::int64_t to_milli = an::kMilliPerUnit / order.currency.minor_per_unit();
    const an::CustomerIndex member = builder.customer(order.member);
    const std::int64_t seconds = order.placed_at.micros / 1'000'000;
    const std::int32_t index =
        builder.add_order(member, order.order_id, seconds, order.merchandise * to_milli);
    for (const domain::OrderLineRecord& line : order.lines) {
      if (line.sku.empty() || line.quantity <= 0) continue;  // #shipping, #tax
      builder.add_line(index, builder.sku(line.sku), line.quantity,
                       line.net * to_milli / line.quantity);
    }
    const std::int64_t refunded = order.refunded_merchandise();
    if (refunded > 0) builder.add_refund(member, seconds, refunded * to_milli, index);
  });
  if (!visited.ok()) return visited.errors();
  read.table = builder.take();
  auto signals = customer_signals(store, shop, read.table.customer_ids);
  if (!signals.ok()) return signals.errors();
  read.table.customer_satisfaction = std::move(signals->satisfaction);
  read.table.customer_tickets = std::move(signals->tickets);
  return read;
}

}  // namespace fidelis::api
