#include "api/member_directory.h"

#include <unordered_map>

#include "analytics/analysis.h"
#include "domain/ledger/segments.h"
#include "domain/ledger/state.h"

namespace fidelis::api {

core::Result<MemberDirectory> build_member_directory(store::Store& store, const std::string& shop,
                                                     const domain::Program* program,
                                                     core::Timestamp now,
                                                     const analytics::OrdersRead& read) {
  MemberDirectory directory;
  directory.as_of = now;
  FIDELIS_CHECK(store.for_each_member(shop, [&](const domain::MemberState& state) {
    MemberRow row;
    row.member = state.member;
    row.available = state.available();
    row.pending = state.pending();
    row.debt = state.debt;
    if (state.tier) row.tier = state.tier->id;
    if (program != nullptr) row.segments = domain::member_segments(*program, state, now);
    directory.rows.push_back(std::move(row));
  }));
  // What the orders say of each customer; a shop without orders simply has none of it.
  auto analysis = analytics::analyze(read.table, analytics::AnalysisOptions{});
  if (!analysis.ok()) return directory;
  std::unordered_map<std::string_view, std::size_t> customer;
  for (std::size_t c = 0; c < read.table.customer_ids.size(); ++c) {
    customer.emplace(read.table.customer_ids[c], c);
  }
  const analytics::CustomerFacts& facts = analysis->customers;
  for (MemberRow& row : directory.rows) {
    const auto found = customer.find(row.member);
    if (found == customer.end()) continue;
    const std::size_t c = found->second;
    row.rfm_segment = analytics::kRfmSegments[facts.segment[c]];
    row.lifecycle = analytics::lifecycle_name(facts.lifecycle[c]);
    if (c < facts.clv.size()) row.clv = facts.clv[c];
    if (c < facts.p_alive.size()) row.p_alive = facts.p_alive[c];
  }
  return directory;
}

}  // namespace fidelis::api
