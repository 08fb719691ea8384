#include "api/period_facts.h"

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

#include "analytics/orders/order_table.h"
#include "core/json_reader.h"
#include "domain/event/event.h"

namespace fidelis::api {
namespace {

constexpr std::int64_t kMicrosPerDay = 86'400'000'000;

}  // namespace

std::int64_t utc_day(core::Timestamp at) {
  return at.micros >= 0 ? at.micros / kMicrosPerDay
                        : (at.micros - kMicrosPerDay + 1) / kMicrosPerDay;
}

std::size_t nearest_period(const std::vector<analytics::PeriodRow>& periods, std::int64_t day) {
  const auto it = std::upper_bound(
      periods.begin(), periods.end(), day,
      [](std::int64_t d, const analytics::PeriodRow& row) { return d < row.end_day; });
  if (it == periods.end()) return periods.size() - 1;
  return static_cast<std::size_t>(it - periods.begin());
}

namespace {

// The index of the period holding `at`, or nothing when it falls outside them all.
std::optional<std::size_t> period_of(const std::vector<analytics::PeriodRow>& periods,
                                     core::Timestamp at) {
  if (periods.empty()) return std::nullopt;
  const std::int64_t day = utc_day(at);
  const std::size_t index = nearest_period(periods, day);
  if (day < periods[index].start_day || day >= periods[index].end_day) return std::nullopt;
  return index;
}

void count_survey(Satisfaction& s, const simdjson::dom::object& data) {
  std::int64_t score = 0;
  if (data["nps"].get(score) == simdjson::SUCCESS) {
    ++s.nps_answers;
    s.promoters += score >= 9 ? 1 : 0;
    s.detractors += score <= 6 ? 1 : 0;
  }
  if (data["csat"].get(score) == simdjson::SUCCESS) {
    ++s.csat_answers;
    s.satisfied += score >= 4 ? 1 : 0;
  }
  if (data["ces"].get(score) == simdjson::SUCCESS) {
    ++s.ces_answers;
    s.ces_sum += score;
  }
}

}  // namespace

core::Result<PeriodFacts> facts_by_period(store::Store& store, const std::string& shop,
                                          const std::vector<analytics::PeriodRow>& periods,
                                          std::string_view currency) {
  PeriodFacts out;
  out.satisfaction.resize(periods.size());
  out.guests.resize(periods.size());
  core::JsonParser parser;
  FIDELIS_CHECK(
      store::for_each_input(store, shop, [&](const store::StoredInput& input) -> core::Status {
        const bool survey = input.type == "survey.answered";
        if (!survey && input.type != "guest.order.placed") return core::Ok{};
        const auto period = period_of(periods, input.at);
        if (!period) return core::Ok{};
        if (survey) {
          auto body = parser.parse_object(input.body);
          simdjson::dom::object data;
          if (body.ok() && (*body)["data"].get(data) == simdjson::SUCCESS) {
            count_survey(out.satisfaction[*period], data);
          }
          return core::Ok{};
        }
        // The log holds only validated events: the parse gives the order as it was accepted.
        auto event = domain::parse_event(parser, input.body, shop);
        if (!event.ok()) return core::Ok{};
        const auto& order = std::get<domain::GuestOrderPlaced>(event->data).order;
        if (order.currency.code_view() != currency) return core::Ok{};
        GuestOrders& guests = out.guests[*period];
        ++guests.orders;
        guests.revenue += domain::net_merchandise(order) *
                          (analytics::kMilliPerUnit / order.currency.minor_per_unit());
        return core::Ok{};
      }));
  return out;
}

void write_satisfaction(core::JsonWriter& out, const Satisfaction& s) {
  out.begin_object().key("nps");
  if (s.nps_answers == 0) {
    out.null();
  } else {
    out.value(100.0 * static_cast<double>(s.promoters - s.detractors) /
              static_cast<double>(s.nps_answers));
  }
  out.key("nps_answers").value(s.nps_answers).key("csat");
  if (s.csat_answers == 0) {
    out.null();
  } else {
    out.value(100.0 * static_cast<double>(s.satisfied) / static_cast<double>(s.csat_answers));
  }
  out.key("csat_answers").value(s.csat_answers).key("ces");
  if (s.ces_answers == 0) {
    out.null();
  } else {
    out.value(static_cast<double>(s.ces_sum) / static_cast<double>(s.ces_answers));
  }
  out.key("ces_answers").value(s.ces_answers).end_object();
}

void write_guest_orders(core::JsonWriter& out, const GuestOrders& guests) {
  out.begin_object().key("orders").value(guests.orders);
  out.key("revenue").raw(analytics::format_milli(guests.revenue)).key("average_order_value");
  if (guests.orders == 0) {
    out.null();
  } else {
    out.raw(analytics::format_milli((guests.revenue + guests.orders / 2) / guests.orders));
  }
  out.end_object();
}

core::Result<std::vector<PointsPeriod>> points_by_period(
    store::Store& store, const std::string& shop,
    const std::vector<analytics::PeriodRow>& periods) {
  std::vector<PointsPeriod> out(periods.size());
  if (periods.empty()) return out;
  // Each member's outstanding points after its latest line seen: lines come in each member's
  // order, so a line's change is its outstanding less the member's previous one.
  std::unordered_map<std::string, domain::Points> outstanding;
  FIDELIS_CHECK(store.for_each_line(shop, [&](const store::MemberLine& entry) {
    const domain::LedgerLine& line = entry.line;
    PointsPeriod& bucket = out[nearest_period(periods, utc_day(line.at))];
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
    domain::Points& before = outstanding[entry.member];
    bucket.outstanding_change += now - before;
    before = now;
  }));
  return out;
}

}  // namespace fidelis::api
