// Writes a realistic synthetic shop as generic-layout CSV exports (orders.csv + lines.csv) for
// the `fidelis analyze` benchmark (docs/performance.md "analyze"): customers arrive over two
// years and buy by a BG/NBD process (gamma purchase rates, beta drop-out after each purchase),
// baskets of 1-16 lines (each customer its own usual size) from a catalogue whose SKU popularity
// follows a Zipf-like law, prices and costs per SKU, 5 % of orders refunded and 2 % cancelled.
//
//   analyze_data --lines N --out DIR [--seed S]     (stops once N lines are written)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  long long lines_wanted = 1'000'000;
  std::string out = ".";
  unsigned long long seed = 7;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--lines") == 0)
      lines_wanted = std::atoll(argv[i + 1]);
    else if (std::strcmp(argv[i], "--out") == 0)
      out = argv[i + 1];
    else if (std::strcmp(argv[i], "--seed") == 0)
      seed = std::strtoull(argv[i + 1], nullptr, 10);
  }
  std::mt19937_64 random(seed);
  constexpr int kSkus = 3000;
  constexpr int kDays = 730;
  std::vector<long long> price_cents(kSkus), cost_cents(kSkus);
  std::vector<double> popularity(kSkus);
  for (int s = 0; s < kSkus; ++s) {
    price_cents[s] =
        199 + static_cast<long long>(std::uniform_int_distribution<int>(0, 9800)(random));
    cost_cents[s] = price_cents[s] * std::uniform_int_distribution<int>(35, 75)(random) / 100;
    popularity[s] = 1.0 / std::pow(s + 1, 0.9);
  }
  std::discrete_distribution<int> pick_sku(popularity.begin(), popularity.end());
  std::FILE* orders = std::fopen((out + "/orders.csv").c_str(), "w");
  std::FILE* lines = std::fopen((out + "/lines.csv").c_str(), "w");
  if (!orders || !lines) return 1;
  std::fputs("order_id,customer_id,ordered_at,currency,total,status\n", orders);
  std::fputs("order_id,sku,category,quantity,unit_price,unit_cost\n", lines);
  long long written = 0, order_number = 0;
  for (long long customer = 0; written < lines_wanted; ++customer) {
    double day = std::uniform_real_distribution<double>(0, kDays)(random);
    const double rate = std::gamma_distribution<double>(0.9, 1.0 / 40)(random);  // purchases a day
    const double u = std::gamma_distribution<double>(1.2, 1)(random);
    const double v = std::gamma_distribution<double>(3.0, 1)(random);
    const double dropout = u / (u + v);
    // Customers differ in how much they buy at once: a basket-size preference per customer.
    const int basket_max =
        1 + static_cast<int>(std::min(15.0, std::gamma_distribution<double>(3, 1.3)(random)));
    while (day < kDays && written < lines_wanted) {
      const long long id = ++order_number;
      const int basket = std::uniform_int_distribution<int>(1, basket_max)(random);
      long long total = 0;
      for (int l = 0; l < basket; ++l) {
        const int sku = pick_sku(random);
        const int quantity = 1 + (std::uniform_int_distribution<int>(0, 9)(random) == 0);
        total += quantity * price_cents[sku];
        std::fprintf(lines, "o%lld,SKU%04d,cat%02d,%d,%lld.%02lld,%lld.%02lld\n", id, sku, sku % 40,
                     quantity, price_cents[sku] / 100, price_cents[sku] % 100,
                     cost_cents[sku] / 100, cost_cents[sku] % 100);
      }
      written += basket;
      const int roll = std::uniform_int_distribution<int>(0, 99)(random);
      const char* status = roll < 5 ? "refunded" : roll < 7 ? "cancelled" : "paid";
      const int hour = std::uniform_int_distribution<int>(8, 21)(random);
      const int date_day = static_cast<int>(day);
      // 2024-01-01 is day 0 (civil date from the day number).
      const long long z = 19723 + date_day + 719468;
      const long long era = z / 146097, doe = z - era * 146097;
      const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
      const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
      const long long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
      const long long y = yoe + era * 400 + (m <= 2);
      std::fprintf(orders, "o%lld,c%lld,%04lld-%02lld-%02lld %02d:%02d:00,EUR,%lld.%02lld,%s\n", id,
                   customer, y, m, d, hour, static_cast<int>(id % 60), total / 100, total % 100,
                   status);
      if (std::uniform_real_distribution<double>(0, 1)(random) < dropout) break;
      day += std::exponential_distribution<double>(rate)(random);
    }
  }
  std::fclose(orders);
  std::fclose(lines);
  std::fprintf(stderr, "%lld orders, %lld lines\n", order_number, written);
  return 0;
}
