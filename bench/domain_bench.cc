// The floor of any replay that keeps the live domain code (issue 4: simulation at 1M events/s on
// one core, "same domain code as live"). The generated shop's events are parsed once (timed on
// their own), then applied by the domain alone, each state handed over on a copy as the engine
// does and in place as a simulation does: member states and order records in plain hash maps, no
// engine bookkeeping, no store, no ledger kept. Whatever the engine and the store add, a
// simulation cannot run faster than this on one core; the domain's cost per event, tracked.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/digest.h"
#include "core/json_reader.h"
#include "domain/event/event.h"
#include "domain/ledger/apply.h"
#include "domain/program/program.h"
#include "workload.h"

namespace {

using namespace fidelis;
using bench::Clock;
using bench::seconds_since;

[[noreturn]] void fail(const std::string& what) { bench::fail("domain_bench", what); }

struct Pass {
  double seconds = 0;
  std::size_t applied = 0;
  std::size_t rejected = 0;
  std::size_t lines = 0;
};

// How the domain is handed a member's state.
enum class Handing {
  copy,      // the engine: the domain changes its own copy, stored if the event is accepted
  in_place,  // a simulation's Replayer: the member's own state when a refusal comes before any
             // change (domain::refused_before_any_change), a copy otherwise
};

// Applies every event in order under `program` with nothing in the way: states and order records
// in plain hash maps, no engine, no store.
Pass apply_all(const domain::Program& program, const std::vector<domain::Event>& events,
               std::size_t members, Handing handing) {
  std::unordered_map<std::string, domain::MemberState> states;
  std::unordered_map<std::string, domain::OrderRecord> orders;
  states.reserve(members);
  orders.reserve(events.size());
  const domain::ProgramAt program_at = [&program](core::Timestamp) { return &program; };
  domain::Effects effects;  // emptied before each event, as the Replayer does
  Pass pass;
  const auto start = Clock::now();
  for (const auto& event : events) {
    if (event.type == domain::EventType::guest_order_placed) continue;
    auto [slot, is_new] = states.try_emplace(event.member);
    if (is_new) slot->second = domain::new_member(event.member);
    std::optional<domain::OrderRecord> order;
    if (const std::string* order_id = domain::referenced_order(event)) {
      if (auto found = orders.find(*order_id); found != orders.end()) order = found->second;
    }
    const bool own = handing == Handing::in_place && domain::refused_before_any_change(event.type);
    std::optional<domain::MemberState> copy;
    if (!own) copy = slot->second;
    effects.clear_changes();
    if (!domain::apply_event_to(program, own ? slot->second : *copy, event, order, effects, {},
                                program_at)
             .ok()) {
      ++pass.rejected;
      continue;
    }
    ++pass.applied;
    pass.lines += effects.lines.size();
    if (copy) slot->second = std::move(*copy);
    if (effects.order) {
      std::string order_id = effects.order->order_id;
      orders.insert_or_assign(std::move(order_id), std::move(*effects.order));
    }
  }
  pass.seconds = seconds_since(start);
  return pass;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t members = 100'000;
  std::size_t count = 1'000'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const std::size_t value = std::strtoull(argv[i + 1], nullptr, 10);
    if (name == "--members") {
      members = value;
    } else if (name == "--events") {
      count = value;
    } else {
      std::fprintf(stderr, "usage: domain_bench [--members N] [--events N]\n");
      return 2;
    }
  }
  const std::vector<std::string> bodies = bench::generate_events(members, count);
  core::JsonParser parser;
  const std::string secret(32, 's');
  const domain::IdentityHasher hasher = [&secret](std::string_view, std::string_view value) {
    return core::hmac_sha256_hex(secret, value).substr(0, 16);
  };
  std::vector<domain::Event> events;
  events.reserve(bodies.size());
  const auto parse_start = Clock::now();
  for (const auto& body : bodies) {
    auto event = domain::parse_event(parser, body, "bench", {}, hasher);
    if (!event.ok()) fail("parse: " + event.error().message);
    events.push_back(std::move(event).value());
  }
  const double parse_seconds = seconds_since(parse_start);
  std::printf("workload: %zu events over %zu members\n", events.size(), members);
  std::printf("parse (simdjson + checks + canonical body): %.2f s = %.0f events/s\n", parse_seconds,
              static_cast<double>(events.size()) / parse_seconds);
  for (const auto& [name, text] :
       {std::pair{"basic", bench::kBasicProgram},
        std::pair{"draft (tiers, expiry notices)", bench::kDraftProgram}}) {
    auto program = domain::parse_program(parser, text);
    if (!program.ok()) fail(std::string("program: ") + program.error().message);
    for (const auto& [handing, how] : {std::pair{Handing::copy, "on a copy (engine)"},
                                       std::pair{Handing::in_place, "in place (simulation)"}}) {
      const Pass pass = apply_all(*program, events, members, handing);
      const double total = static_cast<double>(pass.applied + pass.rejected);
      std::printf(
          "apply under %s, %s: %.2f s = %.0f events/s, %.2f us an event (%zu applied, %zu "
          "rejected, %zu ledger lines)\n",
          name, how, pass.seconds, total / pass.seconds, 1e6 * pass.seconds / total, pass.applied,
          pass.rejected, pass.lines);
    }
  }
  std::printf("peak memory: %ld MiB\n", bench::peak_rss_mib());
  return 0;
}
