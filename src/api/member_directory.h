// The members of a shop as the dashboard lists them (GET /v1/members): one row per member with
// balances, tier, the program's segments, and what the analysis of the shop's orders says of
// them (RFM segment, lifecycle stage, predicted CLV). Built once from the store and kept by the
// worker until something writes (or it is older than kDirectoryMaxAge: segments move with time).
#pragma once

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "analytics/orders/order_readers.h"
#include "core/result.h"
#include "core/time.h"
#include "domain/program/program.h"
#include "domain/types.h"
#include "store/store.h"

namespace fidelis::api {

inline constexpr std::chrono::minutes kDirectoryMaxAge{10};

struct MemberRow {
  std::string member;
  domain::Points available = 0, pending = 0, debt = 0;
  std::string tier;                   // empty: none
  std::vector<std::string> segments;  // the program's, at the directory's time
  std::string rfm_segment;            // empty: no order
  std::string lifecycle;              // empty: no order
  double clv = NAN;                   // NaN: not modelled
  double p_alive = NAN;
};

struct MemberDirectory {
  core::Timestamp as_of;
  std::vector<MemberRow> rows;  // by member id
};

// `program`: the one in force at `now` (null: no tiers or segments to show). `orders`: the shop's
// orders as orders_from_store() reads them.
core::Result<MemberDirectory> build_member_directory(store::Store& store, const std::string& shop,
                                                     const domain::Program* program,
                                                     core::Timestamp now,
                                                     const analytics::OrdersRead& orders);

}  // namespace fidelis::api
