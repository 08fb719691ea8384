#include "engine/replayer.h"

#include <algorithm>

#include "domain/reward/code.h"
#include "engine/shop_rules.h"

namespace fidelis::engine {

void count_line(const domain::LedgerLine& line, SimulationTotals& totals) {
  switch (line.kind) {
    case domain::LineKind::pending:
    case domain::LineKind::earn:
      totals.issued += line.points;
      break;
    case domain::LineKind::adjust:
      (line.points > 0 ? totals.issued : totals.reversed) +=
          line.points > 0 ? line.points : -line.points;
      break;
    case domain::LineKind::spend:
      totals.redeemed -= line.points;
      if (line.rule.starts_with("reward.")) ++totals.rewards_issued;
      break;
    case domain::LineKind::returned:
      totals.redeemed -= line.points;
      break;
    case domain::LineKind::expire:
      totals.expired -= line.points;
      break;
    case domain::LineKind::reverse:
    case domain::LineKind::debt:
      totals.reversed -= line.points;
      break;
    case domain::LineKind::release:
    case domain::LineKind::repay:
      break;
  }
}

void count_member(const domain::MemberState& state, SimulationTotals& totals) {
  ++totals.members;
  totals.outstanding += state.available() + state.pending() - state.debt;
  ++totals.tiers[state.tier ? state.tier->id : ""];
}

core::Result<domain::Event> parse_input(core::JsonParser& parser, const store::StoredInput& input,
                                        std::string_view shop) {
  if (input.kind == store::InputKind::tick) return domain::Event{};
  return domain::parse_stored_event(parser, input.body, shop);
}

Replayer::Replayer(std::string_view secret, std::vector<store::ProgramVersion> versions,
                   std::vector<domain::Program> programs, Options options)
    : keyed_(std::make_unique<core::HmacSha256>(secret)),
      versions_(std::move(versions)),
      programs_(std::move(programs)),
      options_(std::move(options)) {}

Replayer::~Replayer() = default;

domain::ProgramAt Replayer::program_lookup(int max_version) const {
  return [this, max_version](core::Timestamp at) {
    int version = 0;
    return version_in_force(versions_, programs_, at, version, max_version);
  };
}

EventKeys KeyNumbers::number(const core::Result<domain::Event>& event) {
  EventKeys keys;
  if (!event.ok() || event->type == domain::EventType::guest_order_placed) return keys;
  auto number_in = [](std::unordered_map<std::string, std::uint32_t>& numbers,
                      const std::string& id) {
    return numbers.try_emplace(id, static_cast<std::uint32_t>(numbers.size())).first->second;
  };
  keys.member = number_in(members_, event->member);
  if (const std::string* order_id = domain::referenced_order(*event)) {
    keys.order = number_in(orders_, *order_id);
  }
  return keys;
}

void Replayer::prefetch(const EventKeys& keys, int stage) const {
  const domain::MemberState* state = member(keys.member);
  if (state == nullptr) return;
  if (stage == 0) {
    // The fields the timers and the counters read are spread over the state's first lines.
    const char* bytes = reinterpret_cast<const char*>(state);
    for (std::size_t offset = 0; offset < sizeof(domain::MemberState); offset += 64) {
      __builtin_prefetch(bytes + offset);
    }
    if (keys.order < orders_.size() && orders_[keys.order])
      __builtin_prefetch(orders_[keys.order].get());
    return;
  }
  __builtin_prefetch(state->lots.data());
  __builtin_prefetch(state->tier_months.data());
  if (keys.order < orders_.size() && orders_[keys.order]) {
    __builtin_prefetch(orders_[keys.order]->lines.data());
  }
}

const domain::MemberState* Replayer::member(const std::string& id) const {
  const auto it = index_.find(id);
  return it == index_.end() ? nullptr : states_[it->second].get();
}

std::map<std::string, domain::OrderRecord> Replayer::orders() const {
  std::map<std::string, domain::OrderRecord> by_id;
  for (const auto& record : orders_) {
    if (record) by_id.emplace(record->order_id, *record);
  }
  return by_id;
}

void Replayer::view_referrer(const domain::Event& event, domain::ShopView& view) {
  const std::string* named = referred_by(event);
  if (named == nullptr) return;
  const std::string* referrer = named;
  if (domain::looks_like_referral_code(*named)) {
    const auto holder = codes_.find(*named);
    if (holder == codes_.end()) return;
    referrer = &holder->second;
  }
  if (*referrer == event.member) {
    view.referrer = *referrer;  // a self-referral, even by a member's first event
    return;
  }
  if (const domain::MemberState* state = member(*referrer)) {
    view_existing_referrer(event, *referrer, *state, view);
  }
}

std::vector<std::pair<std::size_t, domain::Effects>> Replayer::prepare_notices(
    const std::vector<domain::ReferralNotice>& notices, int max_version) {
  std::vector<std::pair<std::size_t, domain::Effects>> prepared;
  for (const auto& notice : notices) {
    const auto it = index_.find(notice.referrer);
    // The referrer was checked when the referral started.
    if (it == index_.end()) continue;
    prepared.emplace_back(it->second, domain::apply_referral_notice(*states_[it->second], notice,
                                                                    program_lookup(max_version)));
  }
  return prepared;
}

void Replayer::record_notices(std::vector<std::pair<std::size_t, domain::Effects>>& referrers) {
  for (auto& [position, effects] : referrers) {
    count(effects.lines);
    *states_[position] = std::move(effects.state);
    note_due(static_cast<std::uint32_t>(position));
  }
}

namespace {
// Orders due_heap_ as a min-heap: the earliest due on top.
constexpr auto kLaterFirst = [](const auto& a, const auto& b) { return a > b; };
}  // namespace

void Replayer::note_due(std::uint32_t member) {
  const core::Timestamp due = states_[member]->next_due().value_or(core::Timestamp::max());
  if (member >= due_at_.size()) due_at_.resize(member + 1, core::Timestamp::max());
  if (due_at_[member] == due) return;
  due_at_[member] = due;
  if (due == core::Timestamp::max()) return;
  // Stale entries are dropped when they reach the top; past a bound, the heap is rebuilt from
  // the recorded dues, so it stays within a few entries a member.
  if (due_heap_.size() >= 4 * joined_.size() + 1024) {
    due_heap_.clear();
    for (const std::uint32_t number : joined_) {
      const core::Timestamp at = due_at_[number];
      if (at != core::Timestamp::max() && at != core::Timestamp::min()) {
        due_heap_.emplace_back(at, number);
      }
    }
    std::make_heap(due_heap_.begin(), due_heap_.end(), kLaterFirst);
    return;
  }
  due_heap_.emplace_back(due, member);
  std::push_heap(due_heap_.begin(), due_heap_.end(), kLaterFirst);
}

void Replayer::record_rewards(const std::string& member, domain::Effects& effects) {
  for (const auto& change : effects.stock) outstanding_[change.reward] += change.delta;
  for (auto& code : effects.new_codes) codes_.insert_or_assign(std::move(code), member);
}

void Replayer::count(const std::vector<domain::LedgerLine>& lines) {
  for (const auto& line : lines) {
    if ((options_.from && line.at < *options_.from) || (options_.to && line.at >= *options_.to)) {
      continue;
    }
    count_line(line, totals_);
  }
}

core::Status Replayer::feed(const store::StoredInput& input,
                            const core::Result<domain::Event>& event, const EventKeys& keys) {
  if (input.kind == store::InputKind::tick) {
    tick(input.at, options_.by_time ? 0 : input.program_version);
    return core::Ok{};
  }
  if (!event.ok()) return event.errors();
  return apply(input, *event, keys);
}

core::Status Replayer::apply(const store::StoredInput& input, const domain::Event& event,
                             const EventKeys& keys) {
  // Guest orders are outside the program: the input log only, which a simulation does not keep.
  if (event.type == domain::EventType::guest_order_placed) return core::Ok{};
  int version = input.program_version;
  const domain::Program* program =
      options_.by_time ? version_in_force(versions_, programs_, event.occurred_at, version)
                       : numbered_version(versions_, programs_, version);
  if (program == nullptr) {
    return core::make_error(core::ErrorCode::program_missing,
                            "program version " + std::to_string(version) + " is not stored");
  }
  FIDELIS_ASSERT(keys.member != EventKeys::kNone);
  if (keys.member >= states_.size()) states_.resize(keys.member + 1);
  std::unique_ptr<domain::MemberState>& slot = states_[keys.member];
  const bool is_new = slot == nullptr;
  // A refused event must leave the member as it was. Events refused only before the domain
  // changes anything are applied to the member's own state; others to a copy (their timers may
  // have run on it by the time they are refused), which takes the state's place if accepted.
  std::unique_ptr<domain::MemberState> copy;
  domain::MemberState* state = nullptr;
  if (is_new) {
    copy = std::make_unique<domain::MemberState>(domain::new_member(event.member));
    state = copy.get();
  } else if (domain::refused_before_any_change(event.type)) {
    state = slot.get();
  } else {
    copy = std::make_unique<domain::MemberState>(*slot);
    state = copy.get();
  }
  std::optional<domain::OrderRecord> order;
  if (keys.order < orders_.size() && orders_[keys.order]) order = *orders_[keys.order];
  domain::ShopView view;
  if (const auto* redeemed = std::get_if<domain::RewardRedeemed>(&event.data)) {
    if (const auto it = outstanding_.find(redeemed->reward); it != outstanding_.end()) {
      view.codes_outstanding = it->second;
    }
  }
  view_referrer(event, view);
  domain::Effects& effects = effects_;
  effects.clear_changes();
  FIDELIS_CHECK(domain::apply_event_to(*program, *state, event, order, effects, view,
                                       program_lookup(version)));
  auto referrers = prepare_notices(effects.notices, version);
  record_rewards(event.member, effects);
  if (is_new && program->referrals) {
    codes_.try_emplace(referral_code_for(*keyed_, event.member), event.member);
  }
  count(effects.lines);
  if (effects.order) {
    FIDELIS_ASSERT(keys.order != EventKeys::kNone);
    if (keys.order >= orders_.size()) orders_.resize(keys.order + 1);
    std::unique_ptr<domain::OrderRecord>& record = orders_[keys.order];
    if (record) {
      *record = std::move(*effects.order);
    } else {
      record = std::make_unique<domain::OrderRecord>(std::move(*effects.order));
    }
  }
  if (is_new) {
    index_.emplace(event.member, keys.member);
    joined_.push_back(keys.member);
  }
  if (copy) slot = std::move(copy);
  note_due(keys.member);
  record_notices(referrers);
  return core::Ok{};
}

void Replayer::tick(core::Timestamp until, int max_version) {
  const int bound =
      max_version > 0 ? max_version : (versions_.empty() ? 0 : versions_.back().version);
  // Due members in the order the stores give them: by due time, then member id.
  struct Due {
    core::Timestamp at;
    const std::string* member;
    std::uint32_t number;
  };
  std::vector<Due> due;
  while (!due_heap_.empty() && due_heap_.front().first <= until) {
    const auto [at, number] = due_heap_.front();
    std::pop_heap(due_heap_.begin(), due_heap_.end(), kLaterFirst);
    due_heap_.pop_back();
    // A live entry, taken once (a member may have been pushed twice with the same due): its
    // recorded due is min() until the member has run.
    if (due_at_[number] != at) continue;
    due_at_[number] = core::Timestamp::min();
    due.push_back({at, &states_[number]->member, number});
  }
  std::sort(due.begin(), due.end(), [](const Due& a, const Due& b) {
    return a.at != b.at ? a.at < b.at : *a.member < *b.member;
  });
  const domain::ProgramAt lookup = program_lookup(bound);
  domain::Effects& effects = effects_;
  for (std::size_t i = 0; i < due.size(); ++i) {
    prefetch_ahead(i, due.size(), [&due](std::size_t j) { return EventKeys{due[j].number}; });
    const Due& next = due[i];
    domain::MemberState& state = *states_[next.number];
    effects.clear_changes();
    domain::advance_in_place(state, until, effects, lookup);
    record_rewards(state.member, effects);
    count(effects.lines);
    note_due(next.number);
    auto referrers = prepare_notices(effects.notices, bound);
    record_notices(referrers);
  }
}

SimulationTotals Replayer::totals() const {
  SimulationTotals totals = totals_;
  for (const std::uint32_t number : joined_) count_member(*states_[number], totals);
  return totals;
}

}  // namespace fidelis::engine
