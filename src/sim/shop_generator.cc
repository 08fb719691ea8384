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

// Realistic members: days between orders from a heavy-tailed mix (a few weekly regulars, many
// who come a few times a year), a dropout chance after each order, and sometimes a favourite
// replenished product. Joining is spread over the whole period, more at the start (the shop's
// existing customers enrolling).
constexpr std::array<int, 10> kPaceDays = {7, 14, 21, 30, 45, 60, 90, 120, 180, 300};
constexpr std::array<int, 10> kPaceWeights = {3, 6, 8, 12, 14, 14, 14, 12, 10, 7};
constexpr std::array<std::size_t, 3> kReplenished = {8, 10, 11};  // coffee, dog food, litter

void realistic_member(Random& random, const ShopSpec& spec, int& join_day, int& pace,
                      int& dropout_per_mille, const Product*& favourite) {
  join_day = random.per_mille(300)
                 ? static_cast<int>(random.below(static_cast<std::uint64_t>(spec.days / 12 + 1)))
                 : static_cast<int>(random.below(static_cast<std::uint64_t>(spec.days)));
  int total = 0;
  for (int weight : kPaceWeights) total += weight;
  int draw = static_cast<int>(random.below(static_cast<std::uint64_t>(total)));
  std::size_t k = 0;
  while (draw >= kPaceWeights[k]) draw -= kPaceWeights[k++];
  pace = kPaceDays[k];
  dropout_per_mille = 20 + static_cast<int>(random.below(180));
  if (random.per_mille(250)) favourite = &kCatalogue[kReplenished[random.below(3)]];
}

// NPS 0-10 as shops see it: many promoters, some passives, a tail of detractors.
std::int64_t realistic_nps(Random& random) {
  const auto draw = random.below(100);
  if (draw < 45) return 9 + static_cast<std::int64_t>(random.below(2));
  if (draw < 75) return 7 + static_cast<std::int64_t>(random.below(2));
  return static_cast<std::int64_t>(random.below(7));
}

constexpr std::array<const char*, 6> kTimeZones = {"Europe/Paris",      "Europe/Brussels",
                                                   "America/Toronto",   "Europe/London",
                                                   "Africa/Casablanca", "Europe/Zurich"};
constexpr std::array<const char*, 4> kTicketTopics = {"delivery late", "item damaged",
                                                      "refund question", "size exchange"};

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
    if (!member.empty()) out.key("member").value(member);  // guest orders have none
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
    int dropout_per_mille = 0;           // realistic: chance to leave after each order
    const Product* favourite = nullptr;  // realistic: bought again and again
    bool vip = false;
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
    if (spec.realistic) {
      realistic_member(random, spec, member.join_day, member.pace, member.dropout_per_mille,
                       member.favourite);
      member.next_order_day = member.join_day;
    }
  }
  // Follow-up events by time: (at, sequence) -> writer.
  std::multimap<std::pair<std::int64_t, std::uint64_t>, std::function<void()>> follow_ups;
  std::uint64_t follow_up_seq = 0;
  std::vector<Placed> orders;       // kept only by index for follow-ups
  std::vector<std::size_t> joined;  // realistic: members who have joined, by index
  std::uint64_t order_number = 0;

  // A support ticket of `member` a little before `at`.
  std::uint64_t ticket_number = 0;
  auto ticket = [&](const std::string& member, core::Timestamp at, std::size_t order_index) {
    const core::Timestamp when{at.micros - static_cast<std::int64_t>(1 + random.below(12)) * 3600 *
                                               core::kMicrosPerSecond};
    const char* topic = kTicketTopics[random.below(kTicketTopics.size())];
    follow_ups.emplace(std::make_pair(when.micros, ++follow_up_seq),
                       [&, when, topic, member, order_index, number = ++ticket_number]() {
                         begin_event("support.ticket.opened", member, when);
                         out.key("ticket_id").value("t-" + std::to_string(number));
                         out.key("order_id").value(orders[order_index].order_id);
                         out.key("topic").value(std::string_view(topic));
                         end_event();
                         ++counts.tickets;
                       });
  };
  // After a realistic member's order: maybe a ticket, maybe joining the VIP club (renewed
  // yearly by most, cancelled by some), maybe leaving the shop for good.
  auto realistic_follow_ups = [&](auto& member, int day, core::Timestamp at, std::size_t index) {
    if (random.per_mille(20)) ticket(member.id, core::add_days(at, 3), index);
    if (!member.vip && random.per_mille(12)) {
      member.vip = true;
      ++counts.memberships;
      const core::Timestamp start{at.micros + 3600 * core::kMicrosPerSecond};
      const bool cancels = random.per_mille(150);
      const std::int64_t cancel_after = 30 + static_cast<std::int64_t>(random.below(300));
      const bool renews = !cancels && random.per_mille(700);
      follow_ups.emplace(
          std::make_pair(start.micros, ++follow_up_seq), [&, start, member_id = member.id]() {
            begin_event("membership.started", member_id, start);
            out.key("plan").value("vip").key("until").value(stamp(core::add_days(start, 365)));
            end_event();
          });
      if (cancels) {
        const core::Timestamp when = core::add_days(start, cancel_after);
        follow_ups.emplace(std::make_pair(when.micros, ++follow_up_seq),
                           [&, when, member_id = member.id]() {
                             begin_event("membership.cancelled", member_id, when);
                             out.key("reason").value("no longer wanted");
                             end_event();
                           });
      } else if (renews) {
        const core::Timestamp when = core::add_days(start, 360);
        follow_ups.emplace(std::make_pair(when.micros, ++follow_up_seq),
                           [&, when, start, member_id = member.id]() {
                             begin_event("membership.renewed", member_id, when);
                             out.key("until").value(stamp(core::add_days(start, 730)));
                             end_event();
                           });
      }
    }
    if (random.per_mille(member.dropout_per_mille)) member.last_day = day;
  };

  auto flush_until = [&](core::Timestamp until) {
    while (!follow_ups.empty() && follow_ups.begin()->first.first < until.micros) {
      auto action = std::move(follow_ups.begin()->second);
      follow_ups.erase(follow_ups.begin());
      action();
    }
  };

  // Shoppers outside the program (realistic): baskets like members' but with fewer units of each
  // product and no favourite, about one order a day for every 800 members the shop will have.
  const std::uint64_t guest_daily_mean = std::max<std::uint64_t>(1, spec.members / 800);
  std::uint64_t guest_number = 0;
  auto guest_orders = [&](core::Timestamp day_start, auto& today) {
    const std::uint64_t count = random.below(2 * guest_daily_mean + 1);
    for (std::uint64_t g = 0; g < count; ++g) {
      const core::Timestamp at{day_start.micros + static_cast<std::int64_t>(random.below(86'400)) *
                                                      core::kMicrosPerSecond};
      std::vector<std::pair<const Product*, std::int64_t>> lines(1 + random.below(3));
      for (auto& [product, quantity] : lines) {
        product = &kCatalogue[random.below(kCatalogue.size())];
        quantity = 1 + static_cast<std::int64_t>(random.below(2));
      }
      const bool online = random.below(3) != 0;
      today.emplace_back(at.micros, [&, at, lines, online, number = ++guest_number]() {
        begin_event("guest.order.placed", "", at);
        char order_id[24];
        std::snprintf(order_id, sizeof order_id, "g-%07llu",
                      static_cast<unsigned long long>(number));
        out.key("order_id").value(std::string_view(order_id));
        out.key("currency").value("EUR");
        out.key("channel").value(online ? "online" : "pos");
        out.key("lines").begin_array();
        for (const auto& [product, quantity] : lines) {
          out.begin_object().key("sku").value(product->sku);
          out.key("category").value(product->category).key("quantity").value(quantity);
          out.key("unit_price").value(core::format_amount(product->price, eur)).end_object();
        }
        out.end_array();
        out.key("shipping").value(online ? "4.90" : "0.00");
        end_event();
        ++counts.guest_orders;
      });
    }
  };

  for (int day = 0; day < spec.days; ++day) {
    if (spec.on_day) spec.on_day(day);
    const core::Timestamp day_start = core::add_days(spec.start, day);
    // Today's events, each at its own second of the day, in order.
    std::vector<std::pair<std::int64_t, std::function<void()>>> today;
    if (spec.realistic) guest_orders(day_start, today);
    for (auto& member : members) {
      const std::int64_t second = static_cast<std::int64_t>(random.below(86'400));
      const core::Timestamp at{day_start.micros + second * core::kMicrosPerSecond};
      if (day == member.join_day && !spec.realistic) {
        today.emplace_back(at.micros, [&, at, member_id = member.id]() {
          begin_event("member.enrolled", member_id, at);
          out.key("email").value(member_id + "@example.com");
          out.key("name").value("Member " + member_id.substr(2));
          out.key("locale").value(random.below(3) == 0 ? "fr" : "en");
          end_event();
        });
      }
      if (day == member.join_day && spec.realistic) {
        // Who referred them, if anyone: an earlier member; a few referrals are abusive (the
        // referee gives the referrer's email; one member runs a referral ring for a month).
        std::string referrer;
        bool shared_email = false;
        if (!joined.empty() && random.per_mille(100)) {
          const bool ring =
              day >= spec.days / 2 && day < spec.days / 2 + 30 && random.per_mille(300);
          referrer =
              ring ? members[joined.front()].id : members[joined[random.below(joined.size())]].id;
          shared_email = !ring && random.per_mille(80);
          ++counts.referrals;
        }
        const char* zone = kTimeZones[random.below(kTimeZones.size())];
        const bool french = zone[0] != 'A' && zone[7] != 'L';  // not Toronto or London
        const bool birthday = random.per_mille(600);
        const int month = 1 + static_cast<int>(random.below(12));
        const int month_day = 1 + static_cast<int>(random.below(28));
        // Consents as shops see them: most accept the newsletter, fewer texts, some push.
        const bool email_news = random.per_mille(720);
        const bool sms_offers = random.per_mille(310);
        const bool push = random.per_mille(450);
        today.emplace_back(
            at.micros, [&, at, zone, french, birthday, month, month_day, referrer, shared_email,
                        email_news, sms_offers, push, member_id = member.id]() {
              begin_event("member.enrolled", member_id, at);
              out.key("email").value((shared_email ? referrer : member_id) + "@example.com");
              out.key("name").value("Member " + member_id.substr(2));
              out.key("locale").value(french ? "fr" : "en");
              out.key("time_zone").value(std::string_view(zone));
              if (birthday) {
                char md[8];
                std::snprintf(md, sizeof md, "%02d-%02d", month, month_day);
                out.key("birthday").value(std::string_view(md));
              }
              if (!referrer.empty()) out.key("referred_by").value(referrer);
              out.key("consents").begin_object();
              out.key("email.newsletter").value(email_news).key("push").value(push);
              out.key("sms.offers").value(sms_offers).end_object();
              end_event();
            });
        joined.push_back(static_cast<std::size_t>(&member - members.data()));
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
      const bool replenish = member.favourite != nullptr && random.per_mille(600);
      for (std::size_t l = 0; l < line_count; ++l) {
        const Product* product =
            l == 0 && replenish ? member.favourite : &kCatalogue[random.below(kCatalogue.size())];
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
      if (spec.realistic) realistic_follow_ups(member, day, at, index);
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
        if (spec.realistic && random.per_mille(300)) ticket(orders[index].member, when, index);
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
        const std::int64_t nps =
            spec.realistic ? realistic_nps(random) : static_cast<std::int64_t>(random.below(11));
        // Realistic surveys also ask CSAT (1-5, mostly 4-5) and CES (1-7, mostly easy).
        const std::int64_t csat =
            spec.realistic && random.per_mille(600)
                ? std::min<std::int64_t>(5, 2 + static_cast<std::int64_t>(random.below(3)) +
                                                static_cast<std::int64_t>(random.below(2)))
                : 0;
        const std::int64_t ces =
            spec.realistic && random.per_mille(400)
                ? 1 + static_cast<std::int64_t>(random.below(3) * random.below(3))
                : 0;
        follow_ups.emplace(std::make_pair(when.micros, ++follow_up_seq),
                           [&, when, nps, csat, ces, member_id = member.id]() {
                             begin_event("survey.answered", member_id, when);
                             out.key("nps").value(nps);
                             if (csat > 0) out.key("csat").value(csat);
                             if (ces > 0) out.key("ces").value(ces);
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
