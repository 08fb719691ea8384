// The generator: one pass over the days; each member's next order day is drawn from its own
// pace; follow-up events (cancellations, refunds, spends) wait in a time-ordered queue.
#include "sim/shop_generator.h"

#include <array>
#include <map>
#include <vector>

#include "core/json_writer.h"
#include "core/money.h"

namespace fidelis::sim {
namespace {

// xoshiro256** seeded by splitmix64: fast, exactly specified, the same everywhere.
class Random {
 public:
  explicit Random(std::uint64_t seed) {
    for (auto& word : state_) {
      seed += 0x9E3779B97F4A7C15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      word = z ^ (z >> 31);
    }
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  // Uniform in [0, n).
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
  bool per_mille(int chance) { return below(1000) < static_cast<std::uint64_t>(chance); }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> state_{};
};

struct Product {
  const char* sku;
  const char* category;
  std::int64_t price;  // EUR cents
  std::int64_t cost;
};

constexpr std::array<Product, 16> kCatalogue = {{
    {"TSHIRT-RED-M", "apparel", 1990, 750},
    {"TSHIRT-BLUE-L", "apparel", 1990, 750},
    {"JEANS-32", "apparel", 5900, 2200},
    {"SNEAKER-42", "shoes", 8900, 3800},
    {"SANDAL-39", "shoes", 3500, 1400},
    {"CAP-BLACK", "accessories", 1500, 400},
    {"BELT-BROWN", "accessories", 2900, 900},
    {"SOCKS-3PK", "apparel", 990, 300},
    {"COFFEE-1KG", "grocery", 1890, 1100},
    {"TEA-GREEN", "grocery", 790, 350},
    {"DOGFOOD-5KG", "pets", 3490, 2100},
    {"CATLITTER-10L", "pets", 1290, 600},
    {"MUG-LOGO", "home", 1200, 300},
    {"CANDLE-VANILLA", "home", 1650, 450},
    {"GIFTCARD-25", "gift", 2500, 2500},
    {"BACKPACK-20L", "accessories", 4900, 1800},
}};

struct Placed {
  std::string order_id;
  std::string member;
  std::vector<std::pair<const Product*, std::int64_t>> lines;
  std::int64_t total = 0;
};

std::string stamp(core::Timestamp at) { return core::format_rfc3339(at); }

}  // namespace

core::Timestamp generated_until(const ShopSpec& spec) {
  return core::add_days(spec.start, spec.days);
}

GeneratedCounts generate_shop(const ShopSpec& spec,
                              const std::function<void(std::string_view)>& emit) {
  Random random(spec.seed);
  const core::Currency eur = *core::find_currency("EUR");
  GeneratedCounts counts;
  std::uint64_t event_number = 0;
  core::JsonWriter out;
  auto begin_event = [&](std::string_view type, const std::string& member, core::Timestamp at) {
    out.clear();
    out.begin_object();
    char id[32];
    std::snprintf(id, sizeof id, "evt-%08llu", static_cast<unsigned long long>(++event_number));
    out.key("id").value(std::string_view(id));
    out.key("type").value(type);
    out.key("shop").value(spec.shop);
    out.key("member").value(member);
    out.key("occurred_at").value(stamp(at));
    out.key("data").begin_object();
  };
  auto end_event = [&]() {
    out.end_object().end_object();
    emit(out.str());
    ++counts.events;
  };

  // Members join over the first half of the period; each has a pace and a lifetime.
  struct Member {
    std::string id;
    int join_day = 0;
    int next_order_day = 0;
    int pace = 0;
    int last_day = 0;
    std::int64_t estimated_points = 0;
  };
  std::vector<Member> members(spec.members);
  for (std::size_t i = 0; i < members.size(); ++i) {
    char id[24];
    std::snprintf(id, sizeof id, "m-%06zu", i + 1);
    Member& member = members[i];
    member.id = id;
    member.join_day = static_cast<int>(random.below(static_cast<std::uint64_t>(spec.days / 2 + 1)));
    member.pace = 1 + static_cast<int>(random.below(
                          static_cast<std::uint64_t>(spec.mean_days_between_orders * 2)));
    member.next_order_day = member.join_day;
    member.last_day =
        member.join_day + static_cast<int>(random.below(static_cast<std::uint64_t>(spec.days * 2)));
  }
  // Follow-up events by time: (at, sequence) -> writer.
  std::multimap<std::pair<std::int64_t, std::uint64_t>, std::function<void()>> follow_ups;
  std::uint64_t follow_up_seq = 0;
  std::vector<Placed> orders;  // kept only by index for follow-ups
  std::uint64_t order_number = 0;

  auto flush_until = [&](core::Timestamp until) {
    while (!follow_ups.empty() && follow_ups.begin()->first.first < until.micros) {
      auto action = std::move(follow_ups.begin()->second);
      follow_ups.erase(follow_ups.begin());
      action();
    }
  };

  for (int day = 0; day < spec.days; ++day) {
    if (spec.on_day) spec.on_day(day);
    const core::Timestamp day_start = core::add_days(spec.start, day);
    // Today's events, each at its own second of the day, in order.
    std::vector<std::pair<std::int64_t, std::function<void()>>> today;
    for (auto& member : members) {
      const std::int64_t second = static_cast<std::int64_t>(random.below(86'400));
      const core::Timestamp at{day_start.micros + second * core::kMicrosPerSecond};
      if (day == member.join_day) {
        today.emplace_back(at.micros, [&, at, member_id = member.id]() {
          begin_event("member.enrolled", member_id, at);
          out.key("email").value(member_id + "@example.com");
          out.key("name").value("Member " + member_id.substr(2));
          out.key("locale").value(random.below(3) == 0 ? "fr" : "en");
          end_event();
        });
      }
      if (day == member.join_day && spec.engagement_per_mille > 0) {
        // Some complete their profile, some follow the shop, within a week of joining.
        auto later = [&](std::int64_t hours) {
          return core::Timestamp{at.micros + hours * 3600 * core::kMicrosPerSecond};
        };
        if (random.per_mille(300)) {
          const core::Timestamp when = later(1 + static_cast<std::int64_t>(random.below(72)));
          follow_ups.emplace(std::make_pair(when.micros, ++follow_up_seq),
                             [&, when, member_id = member.id]() {
                               begin_event("profile.completed", member_id, when);
                               end_event();
                               ++counts.actions;
                             });
        }
        if (random.per_mille(200)) {
          const core::Timestamp when = later(1 + static_cast<std::int64_t>(random.below(168)));
          const char* network = random.below(3) == 0 ? "tiktok" : "instagram";
          follow_ups.emplace(std::make_pair(when.micros, ++follow_up_seq),
                             [&, when, network, member_id = member.id]() {
                               begin_event("social.followed", member_id, when);
                               out.key("network").value(std::string_view(network));
                               end_event();
                               ++counts.actions;
                             });
        }
      }
      if (day < member.join_day || day != member.next_order_day || day > member.last_day) continue;
      member.next_order_day =
          day + 1 + static_cast<int>(random.below(static_cast<std::uint64_t>(member.pace * 2)));
      Placed order;
      char order_id[24];
      std::snprintf(order_id, sizeof order_id, "o-%07llu",
                    static_cast<unsigned long long>(++order_number));
      order.order_id = order_id;
      order.member = member.id;
      const std::size_t line_count = 1 + random.below(3);
      for (std::size_t l = 0; l < line_count; ++l) {
        const Product* product = &kCatalogue[random.below(kCatalogue.size())];
        const std::int64_t quantity = 1 + static_cast<std::int64_t>(random.below(3));
        order.lines.emplace_back(product, quantity);
        order.total += product->price * quantity;
      }
      const std::int64_t discount = random.below(5) == 0 ? order.total / 10 : 0;
      member.estimated_points += (order.total - discount) / 100;
      const std::size_t index = orders.size();
      orders.push_back(order);
      ++counts.orders;
      const bool online = random.below(3) != 0;
      today.emplace_back(at.micros, [&, at, index, discount, online]() {
        const Placed& placed = orders[index];
        begin_event("order.placed", placed.member, at);
        out.key("order_id").value(placed.order_id);
        out.key("currency").value("EUR");
        out.key("channel").value(online ? "online" : "pos");
        out.key("lines").begin_array();
        for (std::size_t l = 0; l < placed.lines.size(); ++l) {
          const auto& [product, quantity] = placed.lines[l];
          out.begin_object();
          out.key("line_id").value(std::to_string(l + 1));
          out.key("sku").value(product->sku);
          out.key("category").value(product->category);
          out.key("quantity").value(quantity);
          out.key("unit_price").value(core::format_amount(product->price, eur));
          out.key("unit_cost").value(core::format_amount(product->cost, eur));
          out.end_object();
        }
        out.end_array();
        if (discount > 0) out.key("discount").value(core::format_amount(discount, eur));
        out.key("shipping").value(online ? "4.90" : "0.00");
        end_event();
      });
      // Follow-ups: a cancellation within hours, or a refund within 30 days, or a spend.
      if (random.per_mille(spec.cancel_per_mille)) {
        const core::Timestamp when{at.micros + static_cast<std::int64_t>(1 + random.below(20)) *
                                                   3600 * core::kMicrosPerSecond};
        follow_ups.emplace(std::make_pair(when.micros, ++follow_up_seq), [&, when, index]() {
          begin_event("order.cancelled", orders[index].member, when);
          out.key("order_id").value(orders[index].order_id);
          end_event();
          ++counts.cancellations;
        });
      } else if (random.per_mille(spec.refund_per_mille)) {
        const core::Timestamp when =
            core::add_days(at, static_cast<std::int64_t>(1 + random.below(30)));
        const int shape = static_cast<int>(random.below(3));
        follow_ups.emplace(std::make_pair(when.micros, ++follow_up_seq), [&, when, index, shape]() {
          const Placed& placed = orders[index];
          begin_event("order.refunded", placed.member, when);
          out.key("order_id").value(placed.order_id);
          if (shape == 1) {
            out.key("lines").begin_array().begin_object();
            out.key("line_id").value("1").key("quantity").value(std::int64_t{1});
            out.end_object().end_array();
          } else if (shape == 2) {
            out.key("amount").value(core::format_amount(placed.total / 4, eur));
          }
          end_event();
          ++counts.refunds;
        });
      } else if (random.per_mille(spec.spend_per_mille) && member.estimated_points >= 200) {
        // Spend part of what should be available by then (orders release after 14 days).
        const std::int64_t points =
            50 + static_cast<std::int64_t>(
                     random.below(static_cast<std::uint64_t>(member.estimated_points / 4)));
        member.estimated_points -= points * 2;  // stay well inside the real balance
        const core::Timestamp when =
            core::add_days(at, 20 + static_cast<std::int64_t>(random.below(20)));
        follow_ups.emplace(std::make_pair(when.micros, ++follow_up_seq),
                           [&, when, points, member_id = member.id]() {
                             begin_event("points.spent", member_id, when);
                             out.key("points").value(points);
                             out.key("reason").value("points paid at checkout");
                             end_event();
                             ++counts.spends;
                           });
      }
      if (spec.engagement_per_mille > 0 && random.per_mille(spec.engagement_per_mille)) {
        const core::Timestamp when =
            core::add_days(at, 3 + static_cast<std::int64_t>(random.below(8)));
        const bool photo = random.below(3) == 0;
        const std::int64_t rating = 3 + static_cast<std::int64_t>(random.below(3));
        follow_ups.emplace(std::make_pair(when.micros, ++follow_up_seq),
                           [&, when, index, photo, rating]() {
                             const Placed& placed = orders[index];
                             begin_event("review.posted", placed.member, when);
                             out.key("review_id").value("rv-" + placed.order_id);
                             out.key("sku").value(std::string_view(placed.lines[0].first->sku));
                             out.key("rating").value(rating).key("photo").value(photo);
                             end_event();
                             ++counts.actions;
                           });
      }
      if (spec.engagement_per_mille > 0 && random.per_mille(spec.engagement_per_mille / 2)) {
        const core::Timestamp when =
            core::add_days(at, 1 + static_cast<std::int64_t>(random.below(3)));
        const std::int64_t nps = static_cast<std::int64_t>(random.below(11));
        follow_ups.emplace(std::make_pair(when.micros, ++follow_up_seq),
                           [&, when, nps, member_id = member.id]() {
                             begin_event("survey.answered", member_id, when);
                             out.key("nps").value(nps);
                             end_event();
                             ++counts.actions;
                           });
      }
    }
    std::stable_sort(today.begin(), today.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [at, write] : today) {
      flush_until(core::Timestamp{at});
      write();
    }
  }
  flush_until(generated_until(spec));
  return counts;
}

}  // namespace fidelis::sim
