// Replayer: a shop's stored inputs applied again in memory, for a simulation (issue 4,
// docs/decisions/0024-simulation-speed.md). The same domain calls and the same shop rules
// (engine/shop_rules.h) as the engine, without what a simulation does not need: no store, no
// batches, no input log, no ledger kept. Member states live in one array and are changed in
// place; ledger lines are counted into totals as they are made, then dropped.
//
// One Replayer per run; not thread-safe (two replayers may run on two threads). What reads the
// log numbers each event's member and order once (KeyNumbers) for all the replayers it feeds:
// they find a state or an order record by that number, with no lookup by id.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/digest.h"
#include "domain/event/event.h"
#include "domain/ledger/apply.h"
#include "engine/engine.h"
#include "store/store.h"

namespace fidelis::engine {

// Adds a ledger line to the totals of what was issued, redeemed, expired and reversed.
void count_line(const domain::LedgerLine& line, SimulationTotals& totals);
// Adds a member's end state to the totals: members, points outstanding, members per tier.
void count_member(const domain::MemberState& state, SimulationTotals& totals);

// A stored input's event parsed as Replayer::feed takes it (ticks have none: an empty event).
core::Result<domain::Event> parse_input(core::JsonParser& parser, const store::StoredInput& input,
                                        std::string_view shop);

// Dense numbers, from 0 in the order first named, for the members and the orders of a log's
// events: a replayer keeps states and order records in arrays by these numbers.
struct EventKeys {
  static constexpr std::uint32_t kNone = UINT32_MAX;
  std::uint32_t member = kNone;  // kNone: a tick, or an event outside the program
  std::uint32_t order = kNone;   // the order placed, cancelled or refunded, if any
};
class KeyNumbers {
 public:
  // The event's numbers; `event` may be a tick's empty event or one that did not parse.
  EventKeys number(const core::Result<domain::Event>& event);

 private:
  std::unordered_map<std::string, std::uint32_t> members_, orders_;
};

class Replayer {
 public:
  struct Options {
    // Events take the version in force at their time (a draft), not the one they recorded.
    bool by_time = false;
    // Ledger lines are counted when made in [from, to).
    std::optional<core::Timestamp> from, to;
  };
  // `secret`: the shop's (referral codes derive from it). `programs`: the parsed `versions`.
  Replayer(std::string_view secret, std::vector<store::ProgramVersion> versions,
           std::vector<domain::Program> programs, Options options);
  ~Replayer();
  Replayer(const Replayer&) = delete;
  Replayer& operator=(const Replayer&) = delete;

  // Applies one stored input, as replay does with the engine: a tick (`event` unused) runs every
  // due timer up to its time under the versions it could see (all of them with `by_time`); an
  // event (`event`: its parsed body, or why it did not parse) as Engine::apply_stored does. A
  // refusal (the domain's, no program version, a body that no longer parses) is the error, and
  // then nothing changes.
  // `keys`: the event's numbers, from the one KeyNumbers that numbers every input fed.
  core::Status feed(const store::StoredInput& input, const core::Result<domain::Event>& event,
                    const EventKeys& keys);

  // Before feeding the i-th of `count` events in turn (`keys_at(j)`: the j-th one's keys): asks
  // the processor to start loading what later events read first, so that they do not each wait
  // for memory (a member's state is usually cold). Changes nothing.
  template <typename KeysAt>
  void prefetch_ahead(std::size_t i, std::size_t count, const KeysAt& keys_at) const {
    if (i + kStateAhead < count) prefetch(keys_at(i + kStateAhead), 0);
    if (i + kBuffersAhead < count) prefetch(keys_at(i + kBuffersAhead), 1);
  }
  // What the lines made so far add up to, and where the members stand now.
  SimulationTotals totals() const;
  // A member's state, or null when the member does not exist (by id, or by its number).
  const domain::MemberState* member(const std::string& id) const;
  const domain::MemberState* member(std::uint32_t number) const {
    return number < states_.size() ? states_[number].get() : nullptr;
  }
  // The number of members, and each member's number in the order they joined.
  const std::vector<std::uint32_t>& joined() const { return joined_; }
  // The shop-wide part: order records by order id, codes (reward and referral) with their
  // holders, and codes out or used by reward.
  std::map<std::string, domain::OrderRecord> orders() const;
  const std::unordered_map<std::string, std::string>& codes() const { return codes_; }
  const std::unordered_map<std::string, std::int64_t>& outstanding() const { return outstanding_; }

 private:
  core::Status apply(const store::StoredInput& input, const domain::Event& event,
                     const EventKeys& keys);
  void tick(core::Timestamp until, int max_version);
  domain::ProgramAt program_lookup(int max_version) const;
  void view_referrer(const domain::Event& event, domain::ShopView& view);
  // The referrers' side of the notices, from their states before anything is recorded.
  std::vector<std::pair<std::size_t, domain::Effects>> prepare_notices(
      const std::vector<domain::ReferralNotice>& notices, int max_version);
  void record_rewards(const std::string& member, domain::Effects& effects);
  void count(const std::vector<domain::LedgerLine>& lines);
  void record_notices(std::vector<std::pair<std::size_t, domain::Effects>>& referrers);
  // Records where a member's next timer stands after its state changed (the due index).
  void note_due(std::uint32_t member);
  // `stage` 0: the state and the order record; 1 (later, once the state is in cache): the
  // buffers the state points to that every event reads.
  void prefetch(const EventKeys& keys, int stage) const;
  static constexpr std::size_t kStateAhead = 8, kBuffersAhead = 4;  // events ahead, by stage

  std::unique_ptr<core::HmacSha256> keyed_;
  std::vector<store::ProgramVersion> versions_;
  std::vector<domain::Program> programs_;
  Options options_;
  std::unordered_map<std::string, std::uint32_t> index_;  // member id → number, for referrers
  // By member number (null: not a member in this run). Behind pointers: an accepted event's copy
  // of a state takes the place of the old one by a swap of pointers, not a move of every field.
  std::vector<std::unique_ptr<domain::MemberState>> states_;
  std::vector<std::uint32_t> joined_;
  // The due index, so that a tick finds its due members without looking at every member: each
  // member's next_due() as last recorded (by number; max(): none), and a min-heap of (due, member)
  // entries, some stale (a member's entry is live while it equals its recorded due).
  std::vector<core::Timestamp> due_at_;
  std::vector<std::pair<core::Timestamp, std::uint32_t>> due_heap_;
  // The effects the domain adds to, emptied before each event (their vectors keep their room).
  domain::Effects effects_;
  std::vector<std::unique_ptr<domain::OrderRecord>> orders_;   // by order number
  std::unordered_map<std::string, std::int64_t> outstanding_;  // by reward: codes out or used
  std::unordered_map<std::string, std::string> codes_;  // reward and referral codes → member
  SimulationTotals totals_;  // the lines' part; the states' part is added by totals()
};

}  // namespace fidelis::engine
