// verify_replay(): rebuild a shop from its input log in memory and compare with the live store.
#include <map>

#include "core/json_reader.h"
#include "engine/engine.h"
#include "engine/feed_inputs.h"
#include "engine/replayer.h"
#include "store/memory/memory_store.h"

namespace fidelis::engine {
namespace {

constexpr std::size_t kLedgerPage = 100'000;

core::Result<std::vector<domain::LedgerLine>> all_lines(store::Store& store,
                                                        const std::string& shop,
                                                        const std::string& member) {
  std::vector<domain::LedgerLine> lines;
  std::uint64_t after = 0;
  for (;;) {
    FIDELIS_TRY(auto page, store.ledger(shop, member, after, kLedgerPage));
    if (page.empty()) break;
    after = page.back().seq;
    for (auto& line : page) lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace

// The simulation's replayer (engine/replayer.h) over the same log, under the recorded versions,
// must end where the live engine did: the same member states, order records, codes and stock,
// and totals equal to the stored ledger's. `stored`: the stored ledger lines' totals.
core::Status compare_with_replayer(
    store::Store& live, const std::string& shop, const std::string& secret,
    const std::vector<store::ProgramVersion>& versions,
    const std::map<std::string, domain::MemberState>& members, SimulationTotals stored,
    const std::map<std::string, domain::OrderRecord>& orders,
    const std::pair<std::vector<std::pair<std::string, std::string>>,
                    std::vector<std::pair<std::string, std::string>>>& rewards,
    const std::function<void(std::string)>& note) {
  core::JsonParser parser;
  std::vector<domain::Program> programs;
  for (const auto& version : versions) {
    FIDELIS_TRY(domain::Program program, domain::parse_program(parser, version.definition));
    programs.push_back(std::move(program));
  }
  Replayer replayer(secret, versions, std::move(programs), {});
  KeyNumbers numbers;
  bool refused = false;
  FIDELIS_CHECK(store::for_each_input(live, shop, [&](const store::StoredInput& input) {
    if (refused) return core::Status(core::Ok{});
    const core::Result<domain::Event> event = parse_input(parser, input, shop);
    if (const core::Status fed = replayer.feed(input, event, numbers.number(event)); !fed.ok()) {
      note("input " + std::to_string(input.seq) + " (event " + input.event_id +
           ") no longer applies in a simulation: " + fed.error().message);
      refused = true;
    }
    return core::Status(core::Ok{});
  }));
  if (refused) return core::Ok{};
  if (replayer.joined().size() != members.size()) {
    note("stored " + std::to_string(members.size()) + " members, a simulation made " +
         std::to_string(replayer.joined().size()));
  }
  for (const auto& [member, state] : members) {
    const domain::MemberState* simulated = replayer.member(member);
    if (simulated == nullptr || !(*simulated == state)) {
      note("member " + member + ": state differs from a simulation's");
    }
    count_member(state, stored);
  }
  const SimulationTotals simulated = replayer.totals();
  if (simulated.issued != stored.issued || simulated.redeemed != stored.redeemed ||
      simulated.expired != stored.expired || simulated.reversed != stored.reversed ||
      simulated.outstanding != stored.outstanding ||
      simulated.rewards_issued != stored.rewards_issued || simulated.tiers != stored.tiers) {
    note("a simulation's totals differ from the stored ledger's");
  }
  if (replayer.orders() != orders) {
    note("order records differ from a simulation's");
  }
  std::vector<std::pair<std::string, std::string>> codes(replayer.codes().begin(),
                                                         replayer.codes().end());
  std::vector<std::pair<std::string, std::string>> stock;
  for (const auto& [reward, count] : replayer.outstanding()) {
    stock.emplace_back(reward, std::to_string(count));
  }
  std::sort(codes.begin(), codes.end());
  std::sort(stock.begin(), stock.end());
  if (codes != rewards.first) note("redemption codes differ from a simulation's");
  if (stock != rewards.second) note("reward stock differs from a simulation's");
  return core::Ok{};
}

core::Result<ReplayReport> verify_replay(store::Store& live, const std::string& shop,
                                         std::size_t differences_max) {
  ReplayReport report;
  auto scratch = store::make_memory_store();
  // The same secret: what derives from it (referral codes) must come out the same.
  FIDELIS_TRY(const auto secret, live.shop_secret(shop));
  if (secret) {
    store::Batch keys;
    keys.shop = shop;
    keys.new_shop_secret = *secret;
    FIDELIS_CHECK(scratch->commit_write({keys}));
  }
  FIDELIS_TRY(const auto versions, live.programs(shop));
  for (const auto& version : versions) FIDELIS_CHECK(scratch->add_program(shop, version));

  Engine engine(*scratch);
  bool refused = false;
  FIDELIS_TRY(report.inputs,
              feed_inputs(engine, live, shop, {},
                          [&](const store::StoredInput& input, const core::Error& error) {
                            report.differences.push_back("input " + std::to_string(input.seq) +
                                                         " (event " + input.event_id +
                                                         ") no longer applies: " + error.message);
                            refused = true;
                            return false;
                          }));
  if (refused) return report;

  auto note = [&](std::string difference) {
    if (report.differences.size() < differences_max)
      report.differences.push_back(std::move(difference));
  };
  auto members_of =
      [&](store::Store& store) -> core::Result<std::map<std::string, domain::MemberState>> {
    std::map<std::string, domain::MemberState> members;
    FIDELIS_CHECK(store.for_each_member(
        shop, [&](const domain::MemberState& state) { members.emplace(state.member, state); }));
    return members;
  };
  auto orders_of =
      [&](store::Store& store) -> core::Result<std::map<std::string, domain::OrderRecord>> {
    std::map<std::string, domain::OrderRecord> orders;
    FIDELIS_CHECK(store.for_each_order(
        shop, [&](const domain::OrderRecord& order) { orders.emplace(order.order_id, order); }));
    return orders;
  };
  FIDELIS_TRY(const auto live_members, members_of(live));
  FIDELIS_TRY(const auto replayed_members, members_of(*scratch));
  report.members = live_members.size();
  SimulationTotals stored_totals;
  if (live_members.size() != replayed_members.size()) {
    note("stored " + std::to_string(live_members.size()) + " members, replay made " +
         std::to_string(replayed_members.size()));
  }
  for (const auto& [member, state] : live_members) {
    const auto it = replayed_members.find(member);
    if (it == replayed_members.end()) {
      note("member " + member + " is stored but replay did not make it");
      continue;
    }
    if (!(it->second == state)) note("member " + member + ": state differs from replay");
    FIDELIS_TRY(const auto live_lines, all_lines(live, shop, member));
    FIDELIS_TRY(const auto replayed_lines, all_lines(*scratch, shop, member));
    report.lines += live_lines.size();
    for (const auto& line : live_lines) count_line(line, stored_totals);
    if (live_lines != replayed_lines) {
      note("member " + member + ": ledger differs from replay (" +
           std::to_string(live_lines.size()) + " stored lines, " +
           std::to_string(replayed_lines.size()) + " replayed)");
    }
  }
  FIDELIS_TRY(const auto live_orders, orders_of(live));
  FIDELIS_TRY(const auto replayed_orders, orders_of(*scratch));
  report.orders = live_orders.size();
  if (live_orders != replayed_orders) note("order records differ from replay");

  // The shop-wide reward state: the code index and each reward's stock count.
  using Rows = std::vector<std::pair<std::string, std::string>>;
  auto rewards_of = [&](store::Store& store) -> core::Result<std::pair<Rows, Rows>> {
    std::pair<Rows, Rows> rows;
    FIDELIS_CHECK(store.for_each_code(shop, [&](std::string_view code, std::string_view member) {
      rows.first.emplace_back(code, member);
    }));
    FIDELIS_CHECK(store.for_each_stock(shop, [&](std::string_view reward, std::int64_t count) {
      rows.second.emplace_back(reward, std::to_string(count));
    }));
    return rows;
  };
  FIDELIS_TRY(const auto live_rewards, rewards_of(live));
  FIDELIS_TRY(const auto replayed_rewards, rewards_of(*scratch));
  if (live_rewards.first != replayed_rewards.first) note("redemption codes differ from replay");
  if (live_rewards.second != replayed_rewards.second) note("reward stock differs from replay");
  FIDELIS_CHECK(compare_with_replayer(live, shop, secret.value_or(""), versions, live_members,
                                      stored_totals, live_orders, live_rewards, note));
  return report;
}

}  // namespace fidelis::engine
