// Re-measures the JSON choice (docs/decisions/0002-json.md) on this machine: parsing one
// 600-byte order event with simdjson (what the engine uses) against nlohmann/json, the engine's
// whole parse_event (parse + validation + canonical body), and writing a member view with our
// writer against nlohmann's dump(). Google Benchmark; run build/bin/json_bench.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "core/json_reader.h"
#include "domain/event/event.h"
#include "domain/ledger/apply.h"
#include "engine/views.h"

namespace {

using namespace fidelis;

const std::string kOrderEvent =
    R"({"id": "evt-00001234", "type": "order.placed", "shop": "acme", "member": "cust-000042",
  "occurred_at": "2025-03-01T10:15:00+01:00",
  "data": {"order_id": "o-0001001", "currency": "EUR", "channel": "online",
    "lines": [{"line_id": "1", "sku": "TSHIRT-RED-M", "category": "apparel", "quantity": 2,
               "unit_price": "19.90", "unit_cost": "7.50"},
              {"line_id": "2", "sku": "JEANS-32", "category": "apparel", "quantity": 1,
               "unit_price": "59.00", "unit_cost": "22.00"},
              {"line_id": "3", "sku": "SOCKS-3PK", "category": "apparel", "quantity": 3,
               "unit_price": "9.90", "unit_cost": "3.00"}],
    "discount": "5.00", "shipping": "4.90", "tax": "6.63"}})";

void SimdjsonParse(benchmark::State& state) {
  core::JsonParser parser;
  for (auto _ : state) {
    auto object = parser.parse_object(kOrderEvent);
    benchmark::DoNotOptimize(object.ok());
  }
}
BENCHMARK(SimdjsonParse);

void NlohmannParse(benchmark::State& state) {
  for (auto _ : state) {
    auto document = nlohmann::json::parse(kOrderEvent);
    benchmark::DoNotOptimize(document.size());
  }
}
BENCHMARK(NlohmannParse);

void ParseEventWithValidationAndCanonicalBody(benchmark::State& state) {
  core::JsonParser parser;
  for (auto _ : state) {
    auto event = domain::parse_event(parser, kOrderEvent, "acme");
    benchmark::DoNotOptimize(event.ok());
  }
}
BENCHMARK(ParseEventWithValidationAndCanonicalBody);

domain::MemberState sample_member() {
  domain::MemberState member = domain::new_member("cust-000042");
  member.earned = 1234;
  member.spent = 200;
  member.clock = core::Timestamp{1'740'000'000'000'000};
  member.first_seen_at = member.clock;
  for (std::uint32_t id = 1; id <= 3; ++id) {
    domain::Lot lot;
    lot.id = id;
    lot.state = domain::LotState::available;
    lot.granted = lot.remaining = 100 * id;
    lot.expires_at = core::Timestamp{member.clock.micros + id * 1'000'000};
    member.lots.push_back(lot);
  }
  member.next_lot_id = 4;
  member.earned = 600 + 200;
  return member;
}

void WriteMemberViewOwnWriter(benchmark::State& state) {
  const domain::MemberState member = sample_member();
  core::JsonWriter out;
  for (auto _ : state) {
    out.clear();
    engine::write_member_json(out, "acme", member, nullptr);
    benchmark::DoNotOptimize(out.str().size());
  }
}
BENCHMARK(WriteMemberViewOwnWriter);

void WriteMemberViewNlohmann(benchmark::State& state) {
  const domain::MemberState member = sample_member();
  for (auto _ : state) {
    nlohmann::json view = {{"member", member.member},
                           {"shop", "acme"},
                           {"points",
                            {{"available", member.available()},
                             {"pending", member.pending()},
                             {"debt", member.debt},
                             {"earned", member.earned},
                             {"spent", member.spent},
                             {"expired", member.expired},
                             {"reversed", member.reversed}}},
                           {"next_expiry",
                            {{"points", member.next_expiry()->points},
                             {"at", core::format_rfc3339(member.next_expiry()->at)}}},
                           {"first_seen_at", core::format_rfc3339(member.first_seen_at)},
                           {"as_of", core::format_rfc3339(member.clock)}};
    benchmark::DoNotOptimize(view.dump().size());
  }
}
BENCHMARK(WriteMemberViewNlohmann);

}  // namespace

BENCHMARK_MAIN();
