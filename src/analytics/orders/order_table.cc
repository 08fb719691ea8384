#include "analytics/orders/order_table.h"

#include <charconv>
#include <chrono>
#include <cstdio>

#include "core/assert.h"

namespace fidelis::analytics {

namespace {

// Amounts beyond ±10^15 units are refused as nonsense (and keep sums far from overflow).
constexpr Milli kMilliMax = 1'000'000'000'000'000'000;

template <typename Map>
std::int32_t intern(Map& map, std::vector<std::string>& ids, std::string_view id) {
  if (const auto found = map.find(id); found != map.end()) return found->second;
  const auto index = static_cast<std::int32_t>(ids.size());
  ids.emplace_back(id);
  map.emplace(ids.back(), index);
  return index;
}

bool read_digits(std::string_view text, std::size_t from, std::size_t count, int& value) {
  if (from + count > text.size()) return false;
  const auto [end, error] = std::from_chars(text.data() + from, text.data() + from + count, value);
  return error == std::errc() && end == text.data() + from + count;
}

std::optional<std::int64_t> seconds_of(int year, int month, int day, int hour, int minute,
                                       int second) {
  using namespace std::chrono;
  const year_month_day date{std::chrono::year(year),
                            std::chrono::month(static_cast<unsigned>(month)),
                            std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60 || hour < 0 || minute < 0 ||
      second < 0) {
    return std::nullopt;
  }
  return sys_days(date).time_since_epoch().count() * 86400LL + hour * 3600 + minute * 60 + second;
}

}  // namespace

void OrderTableBuilder::reserve(std::size_t orders, std::size_t lines) {
  table_.order_customer.reserve(orders);
  table_.order_time.reserve(orders);
  table_.order_total.reserve(orders);
  table_.order_ids.reserve(orders);
  table_.line_order.reserve(lines);
  table_.line_sku.reserve(lines);
  table_.line_quantity.reserve(lines);
  table_.line_unit_price.reserve(lines);
  customers_.reserve(orders / 2);
}

CustomerIndex OrderTableBuilder::customer(std::string_view id) {
  return intern(customers_, table_.customer_ids, id);
}

std::int32_t OrderTableBuilder::sku(std::string_view id, std::string_view category) {
  const std::int32_t index = intern(skus_, table_.sku_ids, id);
  if (table_.sku_categories.size() <= static_cast<std::size_t>(index))
    table_.sku_categories.emplace_back();
  if (!category.empty() && table_.sku_categories[index].empty())
    table_.sku_categories[index] = category;
  return index;
}

std::int32_t OrderTableBuilder::add_order(CustomerIndex customer, std::string_view order_id,
                                          std::int64_t time, Milli total) {
  FIDELIS_ASSERT(customer >= 0 && static_cast<std::size_t>(customer) < table_.customer_ids.size());
  table_.order_customer.push_back(customer);
  table_.order_time.push_back(time);
  table_.order_total.push_back(total);
  table_.order_ids.emplace_back(order_id);
  return static_cast<std::int32_t>(table_.order_customer.size() - 1);
}

void OrderTableBuilder::add_line(std::int32_t order, std::int32_t sku, std::int64_t quantity,
                                 Milli unit_price) {
  table_.line_order.push_back(order);
  table_.line_sku.push_back(sku);
  table_.line_quantity.push_back(quantity);
  table_.line_unit_price.push_back(unit_price);
}

void OrderTableBuilder::add_refund(CustomerIndex customer, std::int64_t time, Milli amount,
                                   std::int32_t order) {
  table_.refund_order.push_back(order);
  table_.refund_customer.push_back(customer);
  table_.refund_time.push_back(time);
  table_.refund_amount.push_back(amount);
}

OrderTable OrderTableBuilder::take() {
  OrderTable& t = table_;
  std::vector<CustomerIndex> renumbered(t.customer_ids.size(), -1);
  for (CustomerIndex customer : t.order_customer) renumbered[customer] = 0;
  CustomerIndex next = 0;
  for (std::size_t c = 0; c < renumbered.size(); ++c) {
    if (renumbered[c] < 0) continue;
    renumbered[c] = next;
    if (static_cast<std::size_t>(next) != c) t.customer_ids[next] = std::move(t.customer_ids[c]);
    ++next;
  }
  t.customer_ids.resize(static_cast<std::size_t>(next));
  for (CustomerIndex& customer : t.order_customer) customer = renumbered[customer];
  std::size_t kept = 0;
  for (std::size_t i = 0; i < t.refund_customer.size(); ++i) {
    const CustomerIndex customer = renumbered[t.refund_customer[i]];
    if (customer < 0) {
      ++t.unmatched_refunds;
      t.unmatched_refund_amount += t.refund_amount[i];
      continue;
    }
    t.refund_customer[kept] = customer;
    t.refund_time[kept] = t.refund_time[i];
    t.refund_amount[kept] = t.refund_amount[i];
    t.refund_order[kept] = t.refund_order[i];
    ++kept;
  }
  t.refund_customer.resize(kept);
  t.refund_time.resize(kept);
  t.refund_amount.resize(kept);
  t.refund_order.resize(kept);
  customers_.clear();
  return std::move(table_);
}

void OrderTableBuilder::add_guest_order(Milli total) {
  ++table_.guest_orders;
  table_.guest_revenue += total;
}

OrderTable orders_until(const OrderTable& table, std::int64_t last_day) {
  OrderTableBuilder builder;
  builder.table().currency = table.currency;
  builder.table().guest_orders = table.guest_orders;
  builder.table().guest_revenue = table.guest_revenue;
  std::vector<std::int32_t> kept_order(table.order_count(), -1);
  for (std::size_t i = 0; i < table.order_count(); ++i) {
    if (day_of(table.order_time[i]) > last_day) continue;
    kept_order[i] =
        builder.add_order(builder.customer(table.customer_ids[table.order_customer[i]]),
                          table.order_ids[i], table.order_time[i], table.order_total[i]);
    if (table.has_margin()) builder.table().order_margin.push_back(table.order_margin[i]);
  }
  for (std::size_t i = 0; i < table.line_order.size(); ++i) {
    const std::int32_t order = kept_order[table.line_order[i]];
    if (order < 0) continue;
    const std::int32_t sku = table.line_sku[i];
    builder.add_line(order, builder.sku(table.sku_ids[sku], table.sku_categories[sku]),
                     table.line_quantity[i], table.line_unit_price[i]);
  }
  for (std::size_t i = 0; i < table.refund_customer.size(); ++i) {
    if (day_of(table.refund_time[i]) > last_day) continue;
    const std::int32_t order = table.refund_order[i] >= 0 ? kept_order[table.refund_order[i]] : -1;
    builder.add_refund(builder.customer(table.customer_ids[table.refund_customer[i]]),
                       table.refund_time[i], table.refund_amount[i], order);
  }
  OrderTable kept = builder.take();
  if (!table.customer_satisfaction.empty() || !table.customer_tickets.empty()) {
    std::unordered_map<std::string_view, std::size_t> index;
    for (std::size_t c = 0; c < table.customer_ids.size(); ++c)
      index.emplace(table.customer_ids[c], c);
    // The per-customer columns follow the kept customers (today's values: they carry no dates).
    for (const std::string& id : kept.customer_ids) {
      const std::size_t c = index[id];
      if (!table.customer_satisfaction.empty())
        kept.customer_satisfaction.push_back(table.customer_satisfaction[c]);
      if (!table.customer_tickets.empty())
        kept.customer_tickets.push_back(table.customer_tickets[c]);
    }
  }
  return kept;
}

std::optional<Milli> parse_milli(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const std::size_t point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  const std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  if ((whole.empty() && fraction.empty()) || fraction.size() > 3 ||
      (point != std::string_view::npos && fraction.empty() && whole.empty())) {
    return std::nullopt;
  }
  std::int64_t units = 0;
  if (!whole.empty()) {
    const auto [end, error] = std::from_chars(whole.data(), whole.data() + whole.size(), units);
    if (error != std::errc() || end != whole.data() + whole.size() ||
        units > kMilliMax / kMilliPerUnit) {
      return std::nullopt;
    }
  }
  Milli thousandths = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const char c = i < fraction.size() ? fraction[i] : '0';
    if (c < '0' || c > '9') return std::nullopt;
    thousandths = thousandths * 10 + (c - '0');
  }
  const Milli value = units * kMilliPerUnit + thousandths;
  return negative ? -value : value;
}

std::string format_milli(Milli amount, int decimals) {
  FIDELIS_ASSERT(decimals >= 0 && decimals <= 3);
  const bool negative = amount < 0;
  const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(amount) : amount;
  std::string text = std::to_string(magnitude / kMilliPerUnit);
  std::string fraction = std::to_string(magnitude % kMilliPerUnit);
  fraction.insert(0, 3 - fraction.size(), '0');
  while (fraction.size() > static_cast<std::size_t>(decimals) && fraction.back() == '0')
    fraction.pop_back();
  if (!fraction.empty()) text += "." + fraction;
  return negative ? "-" + text : text;
}

std::optional<std::int64_t> parse_local_time(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() == 8 && text.find_first_not_of("0123456789") == std::string_view::npos) {
    read_digits(text, 0, 4, year);
    read_digits(text, 4, 2, month);
    read_digits(text, 6, 2, day);
    return seconds_of(year, month, day, 0, 0, 0);
  }
  if (text.size() >= 10 && text[4] == '-' && text[7] == '-') {
    if (!read_digits(text, 0, 4, year) || !read_digits(text, 5, 2, month) ||
        !read_digits(text, 8, 2, day)) {
      return std::nullopt;
    }
    if (text.size() > 10) {
      if ((text[10] != ' ' && text[10] != 'T') || text.size() < 16 || text[13] != ':' ||
          !read_digits(text, 11, 2, hour) || !read_digits(text, 14, 2, minute)) {
        return std::nullopt;
      }
      std::size_t rest = 16;
      if (text.size() >= 19 && text[16] == ':') {
        if (!read_digits(text, 17, 2, second)) return std::nullopt;
        rest = 19;
      }
      if (rest < text.size() && text[rest] == '.') {  // fractions of a second: dropped
        ++rest;
        while (rest < text.size() && text[rest] >= '0' && text[rest] <= '9') ++rest;
      }
      const std::string_view zone = text.substr(rest);
      const bool zone_ok =
          zone.empty() || zone == "Z" ||
          (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') ||
          (zone.size() == 5 && (zone[0] == '+' || zone[0] == '-'));
      if (!zone_ok) return std::nullopt;
    }
    return seconds_of(year, month, day, hour, minute, second);
  }
  // M/D/YYYY H:MM (spreadsheet exports).
  const std::size_t slash1 = text.find('/');
  const std::size_t slash2 = text.find('/', slash1 + 1);
  if (slash1 == std::string_view::npos || slash2 == std::string_view::npos) return std::nullopt;
  if (!read_digits(text, 0, slash1, month) ||
      !read_digits(text, slash1 + 1, slash2 - slash1 - 1, day) ||
      !read_digits(text, slash2 + 1, 4, year)) {
    return std::nullopt;
  }
  const std::size_t space = slash2 + 5;
  if (space < text.size()) {
    const std::size_t colon = text.find(':', space);
    if (text[space] != ' ' || colon == std::string_view::npos ||
        !read_digits(text, space + 1, colon - space - 1, hour) ||
        !read_digits(text, colon + 1, text.size() - colon - 1, minute)) {
      return std::nullopt;
    }
  }
  return seconds_of(year, month, day, hour, minute, 0);
}

std::string format_local_date(std::int64_t day) {
  using namespace std::chrono;
  const year_month_day date{sys_days{days{day}}};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

std::string format_local_time(std::int64_t seconds) {
  const std::int64_t day = day_of(seconds);
  const std::int64_t in_day = seconds - day * 86400;
  char text[16];
  std::snprintf(text, sizeof text, "T%02d:%02d:%02d", static_cast<int>(in_day / 3600),
                static_cast<int>(in_day / 60 % 60), static_cast<int>(in_day % 60));
  return format_local_date(day) + text;
}

std::int64_t month_of_day(std::int64_t day) {
  using namespace std::chrono;
  const year_month_day date{sys_days{days{day}}};
  return static_cast<int>(date.year()) * 12LL + static_cast<unsigned>(date.month()) - 1;
}

std::int64_t first_day_of_month(std::int64_t month) {
  using namespace std::chrono;
  const auto year_number = static_cast<int>(month >= 0 ? month / 12 : (month - 11) / 12);
  const auto month_number = static_cast<unsigned>(month - year_number * 12LL + 1);
  return sys_days{year_month_day{std::chrono::year(year_number), std::chrono::month(month_number),
                                 std::chrono::day(1)}}
      .time_since_epoch()
      .count();
}

}  // namespace fidelis::analytics
