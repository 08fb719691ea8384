// `fidelis demo`: generates a seeded shop (members, a year of orders, cancellations, refunds,
// spends), ingests it under the demo program through the real engine into a fresh SQLite
// database, runs the timers to the end of the period, prints a summary, then serves the API, the
// dashboard and the widget on it until SIGTERM or SIGINT (not with --no-serve).
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "api/routes.h"
#include "cli/commands.h"
#include "cli/demo_program.h"
#include "core/json_reader.h"
#include "core/json_writer.h"
#include "domain/program/program.h"
#include "domain/types.h"
#include "engine/engine.h"
#include "sim/shop_generator.h"
#include "store/sqlite/sqlite_store.h"

namespace fidelis::cli {
namespace {

using domain::Points;

constexpr std::size_t kDemoBatch = 2000;
constexpr std::int64_t kMicrosPerDay = 86'400'000'000;
constexpr std::size_t kDemoMembersMax = 1'000'000;
// The widget link the demo prints carries a member token this long (the longest one allowed);
// the dashboard's member page mints a fresh one.
constexpr std::int64_t kWidgetTokenSeconds = 3600;

// A progress bar on stderr while generating and ingesting, only when stderr is a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(int total) : total_(total), shown_(::isatty(STDERR_FILENO) == 1) {}
  void at(int done) {
    if (!shown_ || total_ <= 0) return;
    const int width = 40;
    const int filled = done * width / total_;
    if (filled == last_) return;
    last_ = filled;
    std::fprintf(stderr, "\r  generating and ingesting [%-*s] %3d%%", width,
                 std::string(static_cast<std::size_t>(filled), '#').c_str(), done * 100 / total_);
  }
  void finish() {
    if (shown_) std::fprintf(stderr, "\r%*s\r", 60, "");
  }

 private:
  int total_;
  bool shown_;
  int last_ = -1;
};

bool exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

// The demo database is rebuilt on every run, but only if it holds nothing but the demo shop.
core::Status prepare_fresh(const std::string& path, const std::string& shop) {
  if (!exists(path)) return core::Ok{};
  {
    auto store = store::open_sqlite(path);
    if (!store.ok()) return store.take_errors();
    FIDELIS_TRY(const auto shops, (*store)->shops());
    for (const auto& name : shops) {
      if (name != shop) {
        return core::make_error(
            core::ErrorCode::usage,
            path + " holds shop \"" + name + "\", not only the demo: give the demo another --db");
      }
    }
  }
  for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((path + suffix).c_str());
  return core::Ok{};
}

// Rewards redeemed as members do in the widget, so that the dashboard shows codes (the
// generator's checkout spends are plain points.spent): one member in kRedeemingEvery of those
// who can afford a reward redeems the first one they may, over the last days; every third code
// is then used at the till. Each goes through the engine in its own transaction, as
// `fidelis reward redeem` does; codes are random, the members chosen are not.
constexpr std::size_t kRedeemingEvery = 20;
constexpr int kRedemptionDays = 28;

struct DemoCodes {
  std::size_t issued = 0, used = 0;
};

core::Result<DemoCodes> redeem_rewards(engine::Engine& engine, store::Store& store,
                                       const std::string& shop, const domain::Program& program,
                                       core::Timestamp until) {
  domain::Points cheapest = 0;
  for (const auto& reward : program.rewards) {
    if (reward.points > 0 && (cheapest == 0 || reward.points < cheapest)) cheapest = reward.points;
  }
  std::vector<std::string> redeeming;
  std::size_t affording = 0;
  FIDELIS_CHECK(store.for_each_member(shop, [&](const domain::MemberState& state) {
    if (cheapest == 0 || state.available() < cheapest) return;
    if (affording++ % kRedeemingEvery == 0) redeeming.push_back(state.member);
  }));
  DemoCodes codes;
  for (std::size_t i = 0; i < redeeming.size(); ++i) {
    // Spread over the last days, in member order, every one before `until`.
    const core::Timestamp at{until.micros -
                             static_cast<std::int64_t>((redeeming.size() - i) * kRedemptionDays *
                                                       kMicrosPerDay / (redeeming.size() + 1))};
    for (const auto& reward : program.rewards) {
      if (reward.points == 0) continue;
      auto redeemed = engine.redeem(shop, redeeming[i], reward.id, at);
      if (!redeemed.ok()) {
        if (redeemed.errors().front().code == core::ErrorCode::storage_error) {
          return redeemed.take_errors();
        }
        continue;  // not this reward for this member (tier, limit, balance): the next one
      }
      ++codes.issued;
      if (codes.issued % 3 == 0) {
        const core::Timestamp used_at{at.micros + kMicrosPerDay / 4};
        auto used = engine.act_on_code(shop, redeemed->redemption.code, true,
                                       "demo-order-" + std::to_string(codes.issued), used_at);
        if (!used.ok()) return used.take_errors();
        ++codes.used;
      }
      break;
    }
  }
  return codes;
}

}  // namespace

int run_demo(const Args& args) {
  sim::ShopSpec spec;
  spec.shop = args.option("shop").value_or("demo");
  spec.members = std::strtoull(args.option("members").value_or("20000").c_str(), nullptr, 10);
  spec.seed = std::strtoull(args.option("seed").value_or("42").c_str(), nullptr, 10);
  // Two years: tiers are reviewed, lots reach their 365-day expiry, VIP members renew.
  spec.days = std::atoi(args.option("days").value_or("730").c_str());
  spec.engagement_per_mille = 200;  // reviews, surveys, follows: the program's actions earn
  spec.realistic = true;
  spec.spend_per_mille = 300;  // members use their points: a redemption rate shops recognise
  // The history ends today (UTC midnight), so that the dashboard shows a living program and a
  // redemption now spends what the member sees; the seed fixes everything but this shift.
  const std::int64_t today = core::wall_clock().micros / kMicrosPerDay * kMicrosPerDay;
  if (spec.members == 0 || spec.members > kDemoMembersMax || spec.days < 1 || spec.days > 3660) {
    print_errors({core::make_error(core::ErrorCode::usage,
                                   "--members must be 1 to 1000000 and --days 1 to 3660")});
    return kExitUsage;
  }
  spec.start = core::Timestamp{today - spec.days * kMicrosPerDay};
  const std::string db = args.option("db").value_or("fidelis-demo.db");
  const bool serve = !args.flag("no-serve");
  ServeOptions serving;
  if (serve) {
    auto options = serve_options(args);
    if (!options.ok()) {
      print_errors(options.errors());
      return kExitUsage;
    }
    serving = std::move(*options);
    serving.http.access_log = false;  // the demo's terminal shows its four lines, not a log
  }
  if (auto status = prepare_fresh(db, spec.shop); !status.ok()) {
    print_errors(status.errors());
    return exit_code_for(status.errors());
  }
  auto opened = store::open_sqlite(db);
  if (!opened.ok()) {
    print_errors(opened.errors());
    return kExitStorage;
  }
  store::Store& store = **opened;
  engine::Engine engine(store);
  if (auto version =
          engine.activate_program(spec.shop, demo_program_json(), std::nullopt, spec.start);
      !version.ok()) {
    print_errors(version.errors());
    return kExitStorage;
  }

  core::JsonParser parser;
  const auto parsed = domain::parse_program(parser, demo_program_json());
  const std::string program_name = parsed.ok() ? parsed->name : "demo";

  std::size_t accepted = 0, rejected = 0;
  core::Errors failure;
  ProgressBar progress(spec.days);
  spec.on_day = [&](int day) { progress.at(day); };
  const auto started = std::chrono::steady_clock::now();
  const sim::GeneratedCounts generated = sim::generate_shop(spec, [&](std::string_view line) {
    if (!failure.empty()) return;
    if (!engine.in_batch()) {
      if (auto status = engine.begin_batch(); !status.ok()) failure = status.take_errors();
    }
    const auto result = engine.submit(line, spec.shop);
    if (result.outcome == engine::Outcome::accepted) {
      ++accepted;
    } else {
      ++rejected;
    }
    if (engine.batch_events() >= kDemoBatch) {
      if (auto status = engine.commit_batch(); !status.ok()) failure = status.take_errors();
    }
  });
  if (failure.empty() && engine.in_batch()) {
    if (auto status = engine.commit_batch(); !status.ok()) failure = status.take_errors();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  progress.finish();
  if (!failure.empty()) {
    print_errors(failure);
    return kExitStorage;
  }
  const core::Timestamp until = sim::generated_until(spec);
  auto ticked = engine.tick(spec.shop, until);
  if (!ticked.ok()) {
    print_errors(ticked.errors());
    return kExitStorage;
  }
  DemoCodes codes;
  if (parsed.ok()) {
    auto redeemed = redeem_rewards(engine, store, spec.shop, *parsed, until);
    if (!redeemed.ok()) {
      print_errors(redeemed.errors());
      return kExitStorage;
    }
    codes = *redeemed;
  }

  domain::MemberState totals;
  std::size_t members = 0, in_debt = 0, badges = 0;
  Points available = 0, pending = 0;
  std::string example;
  Points example_points = -1;
  auto visited = store.for_each_member(spec.shop, [&](const domain::MemberState& state) {
    ++members;
    totals.earned += state.earned;
    totals.spent += state.spent;
    totals.expired += state.expired;
    totals.reversed += state.reversed;
    totals.debt += state.debt;
    available += state.available();
    pending += state.pending();
    if (state.debt > 0) ++in_debt;
    badges += state.badges.size();
    // The example: the member with the most points among those who spent points and had an
    // order refunded (an active one: their page and widget have the most to show).
    if (state.spent > 0 && state.reversed > 0 && state.available() > example_points) {
      example = state.member;
      example_points = state.available();
    }
  });
  if (!visited.ok()) {
    print_errors(visited.errors());
    return kExitStorage;
  }
  if (example.empty()) example = "m-000001";
  const double rate = seconds > 0 ? static_cast<double>(generated.events) / seconds : 0;
  // The serving part: two keys (printed once) and a widget link for the example member.
  std::string admin_key, storefront_key, widget_token;
  if (serve) {
    const auto now = core::wall_clock();
    auto admin = create_api_key(store, spec.shop, "admin", std::nullopt, now);
    auto storefront = create_api_key(store, spec.shop, "storefront", std::nullopt, now);
    auto token = api::mint_member_token(engine, spec.shop, example, kWidgetTokenSeconds);
    for (const core::Errors* errors :
         {admin.ok() ? nullptr : &admin.errors(), storefront.ok() ? nullptr : &storefront.errors(),
          token.ok() ? nullptr : &token.errors()}) {
      if (errors != nullptr) {
        print_errors(*errors);
        return kExitStorage;
      }
    }
    admin_key = *admin;
    storefront_key = *storefront;
    widget_token = token->token;
    // The overview's answers, for each period the picker offers, are computed before the four
    // lines are printed: the first look at the dashboard is then as fast as every later one.
    serving.warm_key = admin_key;
    for (const char* period : {"month", "quarter", "year"}) {
      for (const char* route : {"kpis", "charts"}) {
        serving.warm_paths.push_back(std::string("/v1/analytics/") + route + "?period=" + period);
      }
    }
    serving.warm_paths.push_back("/v1/members?limit=1");
  }
  const auto widget_url = [&](const std::string& base) {
    return base + "/widget/#key=" + storefront_key + "&member=" + example +
           "&token=" + widget_token;
  };
  if (args.json()) {
    core::JsonWriter out;
    out.begin_object().key("db").value(db).key("shop").value(spec.shop);
    out.key("members").value(static_cast<std::uint64_t>(members));
    out.key("events").value(static_cast<std::uint64_t>(generated.events));
    out.key("accepted").value(static_cast<std::uint64_t>(accepted));
    out.key("rejected").value(static_cast<std::uint64_t>(rejected));
    out.key("actions").value(static_cast<std::uint64_t>(generated.actions));
    out.key("referrals").value(static_cast<std::uint64_t>(generated.referrals));
    out.key("tickets").value(static_cast<std::uint64_t>(generated.tickets));
    out.key("memberships").value(static_cast<std::uint64_t>(generated.memberships));
    out.key("guest_orders").value(static_cast<std::uint64_t>(generated.guest_orders));
    out.key("badges").value(static_cast<std::uint64_t>(badges));
    out.key("codes").begin_object();
    out.key("issued").value(static_cast<std::uint64_t>(codes.issued));
    out.key("used").value(static_cast<std::uint64_t>(codes.used)).end_object();
    out.key("points").begin_object();
    out.key("earned").value(totals.earned).key("available").value(available);
    out.key("pending").value(pending).key("spent").value(totals.spent);
    out.key("expired").value(totals.expired).key("reversed").value(totals.reversed);
    out.key("debt").value(totals.debt).end_object();
    out.key("events_per_second").value(rate);
    out.key("example_member").value(example);
    if (!serve) {
      std::printf("%s\n", out.str().c_str());
      return kExitOk;
    }
    return serve_until_signal(db, serving, [&](const std::string& base) {
      out.key("dashboard").value(base + "/dashboard/").key("widget").value(widget_url(base));
      out.key("admin_key").value(admin_key).key("storefront_key").value(storefront_key);
      out.end_object();
      std::printf("%s\n", out.str().c_str());
    });
  }
  std::printf("Fidelis demo: shop \"%s\" in %s\n", spec.shop.c_str(), db.c_str());
  std::printf(
      "  generated %zu events over %d days to %s (seed %llu): %zu orders, %zu cancellations, "
      "%zu refunds, %zu point spends, %zu reviews, surveys, follows and profiles, %zu "
      "referrals, %zu support tickets, %zu VIP memberships; %zu orders of non-members\n",
      generated.events, spec.days, core::format_rfc3339(sim::generated_until(spec)).c_str(),
      static_cast<unsigned long long>(spec.seed), generated.orders, generated.cancellations,
      generated.refunds, generated.spends, generated.actions, generated.referrals,
      generated.tickets, generated.memberships, generated.guest_orders);
  std::printf(
      "  ingested under \"%s\": %zu accepted, %zu rejected (spends the balance no longer "
      "covered: refused, nothing changed), in %.2f s (%.0f events/s, durable)\n",
      program_name.c_str(), accepted, rejected, seconds, rate);
  std::printf("  timers run to %s: %zu members released or expired\n",
              core::format_rfc3339(until).c_str(), ticked->members);
  std::printf("  members %zu (%zu carrying debt), %zu badges awarded\n", members, in_debt, badges);
  std::printf("  rewards redeemed in the last %d days: %zu codes issued, %zu used\n",
              kRedemptionDays, codes.issued, codes.used);
  std::printf(
      "  points: earned %lld, available %lld, pending %lld, spent %lld, expired %lld, "
      "reversed %lld, debt %lld\n",
      static_cast<long long>(totals.earned), static_cast<long long>(available),
      static_cast<long long>(pending), static_cast<long long>(totals.spent),
      static_cast<long long>(totals.expired), static_cast<long long>(totals.reversed),
      static_cast<long long>(totals.debt));
  std::printf("\nLook at a member (this one spent points and had an order refunded):\n");
  std::printf("  build/bin/fidelis --db %s --shop %s member show %s\n", db.c_str(),
              spec.shop.c_str(), example.c_str());
  std::printf("  build/bin/fidelis --db %s --shop %s member ledger %s\n", db.c_str(),
              spec.shop.c_str(), example.c_str());
  std::printf("Check that the ledger equals a replay of the events:\n");
  std::printf("  build/bin/fidelis --db %s replay --verify\n", db.c_str());
  if (!serve) return kExitOk;
  return serve_until_signal(db, serving, [&](const std::string& base) {
    std::printf("\nServing until Ctrl-C (log in to the dashboard with the admin key):\n");
    std::printf("dashboard: %s/dashboard/\n", base.c_str());
    std::printf("widget: %s\n", widget_url(base).c_str());
    std::printf("admin key: %s\n", admin_key.c_str());
    std::printf("storefront key: %s\n", storefront_key.c_str());
  });
}

}  // namespace fidelis::cli
