// Engine: idempotency, program versions, state caches, group commit and ticks.
#include "engine/engine.h"
#include "core/json_reader.h"

#include "core/assert.h"
#include "core/digest.h"
#include "domain/program/fair_play.h"
#include "domain/reward/code.h"
#include "engine/shop_rules.h"

namespace fidelis::engine {
namespace {

using core::ErrorCode;

std::string key(const std::string& shop, const std::string& id) {
  std::string k;
  k.reserve(shop.size() + id.size() + 1);
  k += shop;
  k += '\x1f';
  k += id;
  return k;
}

}  // namespace

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::accepted:
      return "accepted";
    case Outcome::duplicate:
      return "duplicate";
    case Outcome::conflict:
      return "conflict";
    case Outcome::rejected:
      return "rejected";
  }
  return "rejected";
}

Engine::Engine(store::Store& store)
    : store_(store),
      parser_(std::make_unique<core::JsonParser>()),
      program_parser_(std::make_unique<core::JsonParser>()) {}
Engine::~Engine() = default;

core::Result<bool> Engine::refresh_if_changed() {
  FIDELIS_ASSERT(!in_batch_);
  FIDELIS_TRY(const bool changed, store_.changed_by_others());
  if (changed) drop_caches();
  return changed;
}

void Engine::drop_caches() {
  shops_.clear();
  members_.clear();
}

// The writer connection's transaction for one pipelined batch. The batch was prepared against the
// engine's view of the database; if another process committed since our last write, that view may
// be stale, so the batch is refused rather than committed.
core::Status write_through(store::Store& writer, const std::vector<store::Batch>& batches) {
  FIDELIS_TRY(const bool changed_elsewhere, writer.begin_write());
  if (changed_elsewhere) {
    writer.abort_write();
    return core::make_error(ErrorCode::storage_error,
                            "another process wrote to the database while this one was ingesting; "
                            "nothing of the current batch was stored: run the command again");
  }
  return writer.commit_write(batches);
}

void Engine::enable_pipeline(std::unique_ptr<store::Store> writer) {
  FIDELIS_ASSERT(!in_batch_);
  writer_ = std::move(writer);
}

core::Status Engine::begin_batch() {
  FIDELIS_ASSERT(!in_batch_);
  if (!writer_) {
    FIDELIS_TRY(const bool changed_elsewhere, store_.begin_write());
    // Another process wrote since our last transaction: what we cached may be stale.
    if (changed_elsewhere) drop_caches();
  }
  in_batch_ = true;
  batch_events_ = 0;
  return core::Ok{};
}

void Engine::forget_in_flight() {
  clear_in_flight_lookups();
  in_flight_.clear();
}

void Engine::clear_in_flight_lookups() {
  in_flight_members_.clear();
  in_flight_orders_.clear();
  in_flight_events_.clear();
  in_flight_stock_.clear();
  in_flight_codes_.clear();
}

void Engine::index_in_flight() {
  for (const auto& batch : in_flight_) {
    for (const auto& write : batch.members) {
      in_flight_members_[key(batch.shop, write.state.member)] = &write;
    }
    for (const auto& write : batch.orders) {
      in_flight_orders_[key(batch.shop, write.record.order_id)] = &write;
    }
    for (const auto& input : batch.inputs) {
      if (input.kind == store::InputKind::event) {
        in_flight_events_[key(batch.shop, input.event_id)] = &input;
      }
    }
    for (const auto& stock : batch.stock) {
      in_flight_stock_[key(batch.shop, stock.reward)] = stock.outstanding;
    }
    for (const auto& code : batch.codes) in_flight_codes_[key(batch.shop, code.code)] = code.member;
  }
}

core::Status Engine::wait_commit() {
  if (!in_flight_result_.valid()) return core::Ok{};
  core::Status status = in_flight_result_.get();
  if (status.ok()) {
    remember_committed(in_flight_);
    forget_in_flight();
    return status;
  }
  void_in_flight();
  return status;
}

void Engine::void_in_flight() {
  forget_in_flight();
  if (in_batch_) abort_batch();
  drop_caches();
}

core::Status Engine::commit_batch_async() {
  FIDELIS_ASSERT(in_batch_);
  FIDELIS_ASSERT(writer_ != nullptr);
  // The writer is idle from the end of one batch's write until the next is handed over, so only
  // what the write needs comes first: the open batch's writes gathered, the batch in flight
  // awaited. The bookkeeping of both batches (freeing the overlays, the committed states into
  // the cache, the lookups into the new batch) runs while the writer writes.
  std::vector<store::Batch> next = gather_batch();
  if (in_flight_result_.valid()) {
    core::Status written = in_flight_result_.get();
    if (!written.ok()) {
      void_in_flight();
      return written;
    }
  }
  std::vector<store::Batch> committed = std::move(in_flight_);
  in_flight_ = std::move(next);
  store::Store* writer = writer_.get();
  const std::vector<store::Batch>* batches = &in_flight_;
  in_flight_result_ = std::async(std::launch::async,
                                 [writer, batches] { return write_through(*writer, *batches); });
  clear_batch();
  remember_committed(committed);
  clear_in_flight_lookups();
  committed.clear();
  // The writer only reads these batches, as these lookups into them do.
  index_in_flight();
  return core::Ok{};
}

void Engine::stage_member(store::Batch& batch, const std::string& shop_id,
                          const std::string& member, domain::MemberState&& state, bool is_new) {
  auto [it, inserted] = overlay_.try_emplace(key(shop_id, member), batch.members.size());
  if (inserted) {
    batch.members.push_back({std::move(state), is_new});
  } else {
    batch.members[it->second] = {std::move(state), is_new};
  }
}

void Engine::clear_batch() {
  in_batch_ = false;
  batches_.clear();
  overlay_.clear();
  order_overlay_.clear();
  event_overlay_.clear();
  seq_overlay_.clear();
  stock_overlay_.clear();
  code_overlay_.clear();
  batch_events_ = 0;
}

void Engine::abort_batch() {
  if (in_batch_ && !writer_) store_.abort_write();
  clear_batch();
}

std::vector<store::Batch> Engine::take_batch() {
  std::vector<store::Batch> batches = gather_batch();
  clear_batch();
  return batches;
}

std::vector<store::Batch> Engine::gather_batch() {
  std::vector<store::Batch> batches;
  batches.reserve(batches_.size());
  for (const auto& [k, outstanding] : stock_overlay_) {
    const std::size_t split = k.find('\x1f');
    batches_[k.substr(0, split)].stock.push_back({k.substr(split + 1), outstanding});
  }
  for (auto& [shop_id, batch] : batches_) {
    batch.shop = shop_id;
    batches.push_back(std::move(batch));
  }
  for (const auto& batch : batches) {
    if (auto it = shops_.find(batch.shop); it != shops_.end()) {
      it->second.last_batch = {batch.inputs.size(), batch.lines.size(), batch.members.size(),
                               batch.orders.size()};
    }
  }
  // The shop contexts move on now: the next batch continues the sequence.
  for (const auto& [shop_id, seq] : seq_overlay_) {
    auto it = shops_.find(shop_id);
    if (it != shops_.end()) {
      it->second.last_seq = seq;
      it->second.is_new = false;
    }
  }
  return batches;
}

void Engine::remember_committed(std::vector<store::Batch>& batches) {
  std::size_t incoming = 0;
  for (const auto& batch : batches) incoming += batch.members.size();
  if (members_.size() + incoming > kMemberCacheMax) members_.clear();
  for (auto& batch : batches) {
    for (auto& write : batch.members) {
      members_[key(batch.shop, write.state.member)] = std::move(write.state);
    }
  }
}

core::Status Engine::commit_batch() {
  FIDELIS_ASSERT(in_batch_);
  if (writer_) FIDELIS_CHECK(wait_commit());
  std::vector<store::Batch> batches = take_batch();
  auto status = writer_ ? write_through(*writer_, batches) : store_.commit_write_consuming(batches);
  if (!status.ok()) {
    if (!writer_) store_.abort_write();
    drop_caches();  // what the store holds is now the truth; our view may be ahead of it
    return status;
  }
  remember_committed(batches);
  return core::Ok{};
}

core::Result<Engine::ShopContext*> Engine::shop(const std::string& shop_id) {
  auto it = shops_.find(shop_id);
  if (it != shops_.end()) return &it->second;
  ShopContext context;
  FIDELIS_TRY(const auto secret, store_.shop_secret(shop_id));
  if (secret) {
    context.secret = *secret;
  } else {
    context.secret = core::random_hex(32);
    context.is_new = true;
  }
  context.keyed = std::make_shared<core::HmacSha256>(context.secret);
  FIDELIS_TRY(context.versions, store_.programs(shop_id));
  for (const auto& version : context.versions) {
    auto program = domain::parse_program(*program_parser_, version.definition);
    if (!program.ok()) {
      return core::make_error(ErrorCode::storage_error,
                              "stored program version " + std::to_string(version.version) +
                                  " of shop " + shop_id +
                                  " no longer parses: " + program.error().message);
    }
    context.programs.push_back(std::move(program).value());
  }
  FIDELIS_TRY(context.last_seq, store_.last_seq(shop_id));
  return &shops_.emplace(shop_id, std::move(context)).first->second;
}

const domain::Program* Engine::program_at(const ShopContext& context, core::Timestamp at,
                                          int& version, int max_version) const {
  return version_in_force(context.versions, context.programs, at, version, max_version);
}

core::Result<const domain::Program*> Engine::program_in_force(const std::string& shop_id,
                                                              core::Timestamp at) {
  FIDELIS_TRY(ShopContext * context, shop(shop_id));
  int version = 0;
  return program_at(*context, at, version);
}

domain::ProgramAt Engine::program_lookup(const ShopContext& context, int max_version) const {
  return [this, &context, max_version](core::Timestamp at) {
    int version = 0;
    return program_at(context, at, version, max_version);
  };
}

const domain::Program* Engine::program_version(const ShopContext& context, int version) const {
  return numbered_version(context.versions, context.programs, version);
}

bool Engine::may_be_stored(ShopContext& context, const std::string& shop_id, IdKind kind,
                           const std::string& id) {
  if (!context.known && ++context.store_lookups >= kFilterAfterLookups) {
    // On failure the filters stay absent and every id is looked up, as before.
    if (!build_known_ids(context, shop_id).ok()) context.known.reset();
  }
  if (!context.known) return true;
  switch (kind) {
    case IdKind::event:
      return context.known->events.maybe_contains(id);
    case IdKind::order:
      return context.known->orders.maybe_contains(id);
    case IdKind::member:
      return context.known->members.maybe_contains(id);
  }
  return true;
}

core::Status Engine::build_known_ids(ShopContext& context, const std::string& shop_id) {
  context.store_lookups = 0;
  // Room for twice what the shop could hold now; a full filter is dropped and built again.
  const auto capacity = 2 * static_cast<std::size_t>(context.last_seq) + 2 * batch_events_ +
                        2 * in_flight_events_.size() + (1u << 20);
  ShopContext::KnownIds known{core::BloomFilter(capacity), core::BloomFilter(capacity),
                              core::BloomFilter(capacity)};
  FIDELIS_CHECK(
      store_.for_each_event_id(shop_id, [&](std::string_view id) { known.events.add(id); }));
  FIDELIS_CHECK(
      store_.for_each_order_id(shop_id, [&](std::string_view id) { known.orders.add(id); }));
  FIDELIS_CHECK(
      store_.for_each_member_id(shop_id, [&](std::string_view id) { known.members.add(id); }));
  // Ids not in the store yet: this batch's and the one being written.
  const std::string prefix = key(shop_id, "");
  auto add_keys = [&prefix](const auto& map, core::BloomFilter& filter) {
    for (const auto& [k, value] : map) {
      if (k.starts_with(prefix)) filter.add(std::string_view(k).substr(prefix.size()));
    }
  };
  add_keys(event_overlay_, known.events);
  add_keys(in_flight_events_, known.events);
  add_keys(order_overlay_, known.orders);
  add_keys(in_flight_orders_, known.orders);
  add_keys(overlay_, known.members);
  add_keys(in_flight_members_, known.members);
  context.known = std::move(known);
  return core::Ok{};
}

bool Engine::member_exists(const std::string& shop_id, const std::string& member,
                           bool is_new) const {
  // `is_new` says the store has no row yet; a member created earlier in this batch exists.
  return !is_new || overlay_.count(key(shop_id, member)) != 0;
}

core::Result<domain::MemberState> Engine::load_member(const std::string& shop_id,
                                                      const std::string& member, bool& is_new,
                                                      bool for_a_change) {
  const std::string k = key(shop_id, member);
  if (auto it = overlay_.find(k); it != overlay_.end()) {
    const store::MemberWrite& write = batches_[shop_id].members[it->second];
    is_new = write.is_new;
    return write.state;
  }
  is_new = false;
  if (auto it = in_flight_members_.find(k); it != in_flight_members_.end()) {
    return it->second->state;
  }
  if (auto it = members_.find(k); it != members_.end()) {
    if (!for_a_change) return it->second;
    domain::MemberState state = std::move(it->second);
    members_.erase(it);
    return state;
  }
  // A member the shop's filter has never seen is new without asking the store (most first
  // events of a bulk ingest).
  auto context = shops_.find(shop_id);
  const bool known = context != shops_.end();
  if (!known || may_be_stored(context->second, shop_id, IdKind::member, member)) {
    FIDELIS_TRY(auto stored, store_.member(shop_id, member));
    if (stored) return std::move(*stored);
  }
  is_new = true;
  // Known from now on, should this event be accepted (a rejected one leaves a harmless "maybe").
  if (known && context->second.known) context->second.known->members.add(member);
  return domain::new_member(member);
}

core::Result<std::optional<domain::MemberState>> Engine::member(const std::string& shop_id,
                                                                const std::string& member_id) {
  const std::string k = key(shop_id, member_id);
  if (auto it = members_.find(k); it != members_.end()) {
    return std::optional<domain::MemberState>(it->second);
  }
  FIDELIS_TRY(auto stored, store_.member(shop_id, member_id));
  if (stored && members_.size() < kMemberCacheMax) members_.emplace(k, *stored);
  return stored;
}

core::Result<std::optional<domain::OrderRecord>> Engine::load_order(const std::string& shop_id,
                                                                    const std::string& order_id) {
  if (auto it = order_overlay_.find(key(shop_id, order_id)); it != order_overlay_.end()) {
    return std::optional<domain::OrderRecord>(batches_[shop_id].orders[it->second].record);
  }
  if (auto it = in_flight_orders_.find(key(shop_id, order_id)); it != in_flight_orders_.end()) {
    return std::optional<domain::OrderRecord>(it->second->record);
  }
  if (auto context = shops_.find(shop_id);
      context != shops_.end() &&
      !may_be_stored(context->second, shop_id, IdKind::order, order_id)) {
    return std::optional<domain::OrderRecord>{};
  }
  return store_.order(shop_id, order_id);
}

core::Result<std::int64_t> Engine::load_outstanding(const std::string& shop_id,
                                                    const std::string& reward) {
  const std::string k = key(shop_id, reward);
  if (auto it = stock_overlay_.find(k); it != stock_overlay_.end()) return it->second;
  if (auto it = in_flight_stock_.find(k); it != in_flight_stock_.end()) return it->second;
  return store_.reward_outstanding(shop_id, reward);
}

core::Result<std::optional<std::string>> Engine::code_holder(const std::string& shop_id,
                                                             const std::string& code) {
  const std::string k = key(shop_id, code);
  if (auto it = code_overlay_.find(k); it != code_overlay_.end()) return {it->second};
  if (auto it = in_flight_codes_.find(k); it != in_flight_codes_.end()) return {it->second};
  return store_.code_owner(shop_id, code);
}

core::Status Engine::view_referrer(const std::string& shop_id, const domain::Event& event,
                                   domain::ShopView& view) {
  const std::string* named = referred_by(event);
  if (named == nullptr) return core::Ok{};
  std::optional<std::string> referrer;
  if (domain::looks_like_referral_code(*named)) {
    FIDELIS_TRY(referrer, code_holder(shop_id, *named));
  } else {
    referrer = *named;
  }
  if (!referrer) return core::Ok{};
  if (*referrer == event.member) {
    view.referrer = *referrer;  // a self-referral, even by a member's first event
    return core::Ok{};
  }
  bool is_new = false;
  FIDELIS_TRY(const domain::MemberState state, load_member(shop_id, *referrer, is_new));
  if (!member_exists(shop_id, *referrer, is_new)) return core::Ok{};
  view_existing_referrer(event, *referrer, state, view);
  return core::Ok{};
}

core::Result<Engine::ReferrerEffects> Engine::prepare_notices(
    const std::string& shop_id, ShopContext& context,
    const std::vector<domain::ReferralNotice>& notices, int max_version) {
  ReferrerEffects prepared;
  for (const auto& notice : notices) {
    bool is_new = false;
    FIDELIS_TRY(const domain::MemberState state, load_member(shop_id, notice.referrer, is_new));
    // The referrer was checked when the referral started.
    if (!member_exists(shop_id, notice.referrer, is_new)) continue;
    prepared.push_back(
        {notice.referrer, is_new,
         domain::apply_referral_notice(state, notice, program_lookup(context, max_version))});
  }
  return prepared;
}

void Engine::record_notices(const std::string& shop_id, ReferrerEffects effects) {
  store::Batch& batch = batches_[shop_id];
  for (auto& [referrer, is_new, effect] : effects) {
    for (auto& line : effect.lines) batch.lines.push_back({referrer, std::move(line)});
    stage_member(batch, shop_id, referrer, std::move(effect.state), is_new);
  }
}

void Engine::index_referral_code(const std::string& shop_id, const ShopContext& context,
                                 const std::string& member, const domain::Program& program) {
  if (!program.referrals) return;
  std::string code = referral_code_for(*context.keyed, member);
  // A member stays "new" (not yet stored) for all their events in the open batch: the code is
  // indexed at the first of them only.
  const std::string code_key = key(shop_id, code);
  if (in_flight_codes_.count(code_key) != 0) return;  // indexed by the batch being written
  const auto [it, first] = code_overlay_.try_emplace(code_key, member);
  if (!first) return;
  batches_[shop_id].codes.push_back({std::move(code), member});
}

core::Result<std::string> Engine::keyed_digest(const std::string& shop_id,
                                               std::string_view message) {
  FIDELIS_TRY(ShopContext * context, shop(shop_id));
  return context->keyed->hex(message);
}

core::Result<std::string> Engine::referral_code(const std::string& shop_id,
                                                const std::string& member) {
  FIDELIS_TRY(ShopContext * context, shop(shop_id));
  return derive_referral_code(*context, member);
}

std::string Engine::derive_referral_code(const ShopContext& context, const std::string& member) {
  return referral_code_for(*context.keyed, member);
}

core::Status Engine::record_rewards(const std::string& shop_id, const std::string& member,
                                    domain::Effects& effects) {
  // Read everything first: a failed read leaves the batch as it was.
  std::map<std::string, std::int64_t> stock;
  for (const auto& change : effects.stock) {
    const std::string k = key(shop_id, change.reward);
    auto it = stock.find(k);
    if (it == stock.end()) {
      FIDELIS_TRY(const std::int64_t outstanding, load_outstanding(shop_id, change.reward));
      it = stock.emplace(k, outstanding).first;
    }
    it->second += change.delta;
  }
  for (const auto& [k, outstanding] : stock) stock_overlay_[k] = outstanding;
  for (auto& code : effects.new_codes) {
    code_overlay_[key(shop_id, code)] = member;
    batches_[shop_id].codes.push_back({std::move(code), member});
  }
  return core::Ok{};
}

void Engine::record(const std::string& shop_id, ShopContext& context, domain::Event& event,
                    domain::Effects&& effects, bool member_is_new, int program_version,
                    std::string digest, std::int64_t seq) {
  store::Batch& batch = batches_[shop_id];
  batch.shop = shop_id;
  if (batch.inputs.empty()) {
    const ShopContext::BatchSizes& last = context.last_batch;
    batch.inputs.reserve(last.inputs);
    batch.lines.reserve(last.lines);
    batch.members.reserve(last.members);
    batch.orders.reserve(last.orders);
  }
  if (context.is_new) batch.new_shop_secret = context.secret;
  if (context.known) {
    context.known->events.add(event.id);
    if (effects.order) context.known->orders.add(effects.order->order_id);
    // Past capacity the filters would answer "maybe" too often: build larger ones later.
    if (context.known->full()) context.known.reset();
  }
  store::StoredInput input;
  input.seq = seq;
  input.kind = store::InputKind::event;
  input.event_id = event.id;
  input.type = event.type_name;
  input.member = event.member;
  input.at = event.occurred_at;
  input.body = std::move(event.body);  // the event is done with it
  input.personal_digest = std::move(digest);
  input.program_version = program_version;
  batch.inputs.push_back(std::move(input));
  for (auto& line : effects.lines) batch.lines.push_back({event.member, std::move(line)});
  if (const auto* change = std::get_if<domain::MemberChange>(&event.data)) {
    if (change->email || change->phone || change->name || change->birthday || change->address) {
      batch.profiles.push_back({event.member, change->email, change->phone, change->name,
                                change->birthday, event.occurred_at, change->address});
    }
  }
  if (effects.order) {
    auto [it, inserted] =
        order_overlay_.try_emplace(key(shop_id, effects.order->order_id), batch.orders.size());
    if (inserted) {
      // A record not yet in this batch is new exactly when this event placed the order.
      batch.orders.push_back(
          {std::move(*effects.order), event.type == domain::EventType::order_placed});
    } else {
      batch.orders[it->second].record = std::move(*effects.order);
    }
  }
  if (!event.member.empty()) {  // guest orders have none
    stage_member(batch, shop_id, event.member, std::move(effects.state), member_is_new);
  }
  event_overlay_[key(shop_id, event.id)] = batch.inputs.size() - 1;
  seq_overlay_[shop_id] = seq;
  ++batch_events_;
}

SubmitResult Engine::submit(std::string_view json, std::string_view default_shop,
                            std::string_view required_shop) {
  FIDELIS_ASSERT(in_batch_);
  SubmitResult result;
  // Identity digests: keyed with the shop's secret, 64 bits, so that the log never holds an
  // email or phone that could be looked up, and still tells the same person apart.
  const domain::IdentityHasher hasher = [this](std::string_view shop_id, std::string_view value) {
    auto context = shop(std::string(shop_id));
    if (!context.ok()) return std::string();
    return (*context)->keyed->hex(value).substr(0, 16);
  };
  auto parsed = domain::parse_event(*parser_, json, default_shop, required_shop, hasher);
  if (!parsed.ok()) {
    result.errors = parsed.take_errors();
    return result;
  }
  domain::Event event = std::move(parsed).value();
  if (domain::is_internal_event_type(event.type)) {
    result.event_id = event.id;
    result.errors.push_back(core::make_error(
        ErrorCode::event_type_internal,
        event.type_name + " is written by Fidelis when a member redeems: use `fidelis reward "
                          "redeem` or POST /v1/members/{id}/redemptions",
        "/type"));
    return result;
  }
  return submit_parsed(event);
}

SubmitResult Engine::submit_parsed(domain::Event& event) {
  SubmitResult result;
  result.event_id = event.id;
  auto fail = [&result](core::Errors errors) {
    result.outcome = Outcome::rejected;
    result.errors = std::move(errors);
    return result;
  };
  auto context_result = shop(event.shop);
  if (!context_result.ok()) return fail(context_result.take_errors());
  ShopContext& context = **context_result;
  const std::string digest = event.personal.empty() ? "" : context.keyed->hex(event.personal);

  // Idempotency: the same id with the same body is a duplicate; with another body a conflict.
  const std::string event_key = key(event.shop, event.id);
  const store::StoredInput* seen = nullptr;
  std::optional<store::StoredInput> stored;
  if (auto it = event_overlay_.find(event_key); it != event_overlay_.end()) {
    seen = &batches_[event.shop].inputs[it->second];
  } else if (auto flying = in_flight_events_.find(event_key); flying != in_flight_events_.end()) {
    seen = flying->second;
  } else if (may_be_stored(context, event.shop, IdKind::event, event.id)) {
    auto found = store_.event(event.shop, event.id);
    if (!found.ok()) return fail(found.take_errors());
    stored = std::move(*found);
    if (stored) seen = &*stored;
  }
  if (seen != nullptr) {
    if (seen->body == event.body && seen->personal_digest == digest) {
      result.outcome = Outcome::duplicate;
      return result;
    }
    result.outcome = Outcome::conflict;
    result.errors.push_back(core::make_error(
        ErrorCode::event_id_reused_with_other_body,
        "event id \"" + event.id + "\" was already used with a different body", "/id"));
    return result;
  }

  const std::int64_t seq =
      (seq_overlay_.count(event.shop) ? seq_overlay_[event.shop] : context.last_seq) + 1;
  int version = 0;
  const domain::Program* program = program_at(context, event.occurred_at, version);
  if (event.type == domain::EventType::guest_order_placed) {
    // Outside the program: into the input log only, under whatever version is in force.
    record(event.shop, context, event, domain::Effects{}, false, version, digest, seq);
    result.outcome = Outcome::accepted;
    return result;
  }
  if (program == nullptr) {
    return fail({core::make_error(ErrorCode::program_missing,
                                  "shop \"" + event.shop +
                                      "\" has no program in force at this time: activate one "
                                      "with `fidelis program activate FILE`",
                                  "/occurred_at")});
  }
  bool member_is_new = false;
  auto state = load_member(event.shop, event.member, member_is_new, /*for_a_change=*/true);
  if (!state.ok()) return fail(state.take_errors());
  std::optional<domain::OrderRecord> order;
  if (const std::string* order_id = domain::referenced_order(event)) {
    auto loaded = load_order(event.shop, *order_id);
    if (!loaded.ok()) return fail(loaded.take_errors());
    order = std::move(*loaded);
  }
  domain::ShopView view;
  if (const auto* redeemed = std::get_if<domain::RewardRedeemed>(&event.data)) {
    auto outstanding = load_outstanding(event.shop, redeemed->reward);
    if (!outstanding.ok()) return fail(outstanding.take_errors());
    view.codes_outstanding = *outstanding;
  }
  if (auto viewed = view_referrer(event.shop, event, view); !viewed.ok()) {
    return fail(viewed.take_errors());
  }
  // Timers run first under the versions known now: the event's own and earlier ones (replay
  // passes the recorded version as the bound, which selects the same ones).
  auto effects = domain::apply_event(*program, std::move(*state), event, order, view,
                                     program_lookup(context, version));
  if (!effects.ok()) return fail(effects.take_errors());
  auto referrers = prepare_notices(event.shop, context, effects->notices, version);
  if (!referrers.ok()) return fail(referrers.take_errors());
  if (auto status = record_rewards(event.shop, event.member, *effects); !status.ok()) {
    return fail(status.take_errors());
  }
  if (member_is_new) index_referral_code(event.shop, context, event.member, *program);
  record(event.shop, context, event, std::move(effects).value(), member_is_new, version, digest,
         seq);
  record_notices(event.shop, std::move(referrers).value());
  result.outcome = Outcome::accepted;
  return result;
}

core::Status Engine::apply_stored(const std::string& shop_id, const store::StoredInput& input,
                                  bool by_time) {
  FIDELIS_ASSERT(in_batch_);
  FIDELIS_ASSERT(input.kind == store::InputKind::event);
  FIDELIS_TRY(domain::Event event, domain::parse_stored_event(*parser_, input.body, shop_id));
  FIDELIS_TRY(ShopContext * context, shop(shop_id));
  int version = input.program_version;
  if (event.type == domain::EventType::guest_order_placed) {
    record(shop_id, *context, event, domain::Effects{}, false, version, input.personal_digest,
           input.seq);
    return core::Ok{};
  }
  const domain::Program* program = by_time ? program_at(*context, event.occurred_at, version)
                                           : program_version(*context, version);
  if (program == nullptr) {
    return core::make_error(ErrorCode::program_missing,
                            "program version " + std::to_string(version) + " is not stored");
  }
  bool member_is_new = false;
  FIDELIS_TRY(domain::MemberState state,
              load_member(shop_id, event.member, member_is_new, /*for_a_change=*/true));
  std::optional<domain::OrderRecord> order;
  if (const std::string* order_id = domain::referenced_order(event)) {
    FIDELIS_TRY(order, load_order(shop_id, *order_id));
  }
  domain::ShopView view;
  if (const auto* redeemed = std::get_if<domain::RewardRedeemed>(&event.data)) {
    FIDELIS_TRY(view.codes_outstanding, load_outstanding(shop_id, redeemed->reward));
  }
  FIDELIS_CHECK(view_referrer(shop_id, event, view));
  // Timers run first under the versions the live run could see: those up to the recorded one.
  FIDELIS_TRY(domain::Effects effects,
              domain::apply_event(*program, std::move(state), event, order, view,
                                  program_lookup(*context, version)));
  FIDELIS_TRY(ReferrerEffects referrers,
              prepare_notices(shop_id, *context, effects.notices, version));
  FIDELIS_CHECK(record_rewards(shop_id, event.member, effects));
  if (member_is_new) index_referral_code(shop_id, *context, event.member, *program);
  record(shop_id, *context, event, std::move(effects), member_is_new, version,
         input.personal_digest, input.seq);
  record_notices(shop_id, std::move(referrers));
  return core::Ok{};
}

core::Result<TickResult> Engine::tick(const std::string& shop_id, core::Timestamp until,
                                      int max_version) {
  // Due members are found in the store: nothing may still be on its way there.
  FIDELIS_CHECK(wait_commit());
  auto run = [&]() -> core::Result<TickResult> {
    FIDELIS_TRY(ShopContext * context, shop(shop_id));
    FIDELIS_TRY(const std::vector<std::string> due,
                store_.members_due(shop_id, until, kTickMembersMax));
    TickResult result;
    store::Batch& batch = batches_[shop_id];
    batch.shop = shop_id;
    const int bound = max_version > 0
                          ? max_version
                          : (context->versions.empty() ? 0 : context->versions.back().version);
    const domain::ProgramAt lookup = program_lookup(*context, bound);
    for (const auto& member : due) {
      bool is_new = false;
      FIDELIS_TRY(const domain::MemberState state, load_member(shop_id, member, is_new));
      domain::Effects effects = domain::advance_to(state, until, lookup);
      FIDELIS_CHECK(record_rewards(shop_id, member, effects));
      const std::vector<domain::ReferralNotice> notices = std::move(effects.notices);
      result.lines += effects.lines.size();
      for (auto& line : effects.lines) batch.lines.push_back({member, std::move(line)});
      stage_member(batch, shop_id, member, std::move(effects.state), is_new);
      // A tick is all or nothing: a failure aborts the whole batch.
      FIDELIS_TRY(ReferrerEffects referrers, prepare_notices(shop_id, *context, notices, bound));
      record_notices(shop_id, std::move(referrers));
      ++result.members;
    }
    if (result.members > 0) {
      // The tick joins the input log so that replay runs the same timers at the same point.
      if (context->is_new) batch.new_shop_secret = context->secret;
      store::StoredInput input;
      input.seq = context->last_seq + 1;
      input.kind = store::InputKind::tick;
      input.type = "tick";
      input.at = until;
      input.program_version = bound;  // the versions its timers could see
      batch.inputs.push_back(std::move(input));
      seq_overlay_[shop_id] = context->last_seq + 1;
    }
    return result;
  };
  return in_own_batch(run);
}

core::Result<Engine::Redeemed> Engine::redeem(const std::string& shop_id, const std::string& member,
                                              const std::string& reward, core::Timestamp at,
                                              const BeforeCommit& before_commit) {
  FIDELIS_ASSERT(!writer_);
  auto run = [&]() -> core::Result<Redeemed> {
    bool is_new = false;
    FIDELIS_TRY(const domain::MemberState state, load_member(shop_id, member, is_new));
    (void)state;
    if (!member_exists(shop_id, member, is_new)) {
      return core::make_error(ErrorCode::member_not_found,
                              "no member \"" + member + "\" in shop \"" + shop_id + "\"",
                              "/member");
    }
    std::string code;
    for (int attempt = 0;; ++attempt) {
      // 65 random bits: a repeat is next to impossible, but the index decides.
      FIDELIS_ASSERT(attempt < 100);
      code = domain::format_code(core::random_bytes(domain::kCodeRandomBytes));
      FIDELIS_TRY(const auto holder, code_holder(shop_id, code));
      if (!holder) break;
    }
    core::JsonWriter json;
    json.begin_object();
    json.key("id").value("redeem-" + core::random_hex(12));
    json.key("type").value("reward.redeemed");
    json.key("shop").value(shop_id);
    json.key("member").value(member);
    json.key("occurred_at").value(core::format_rfc3339(at));
    json.key("data").begin_object().key("reward").value(reward).key("code").value(code);
    json.end_object().end_object();
    return apply_code_event(shop_id, member, code, json.str(), before_commit);
  };
  return in_own_batch(run);
}

core::Result<Engine::Redeemed> Engine::apply_code_event(const std::string& shop_id,
                                                        const std::string& member,
                                                        const std::string& code,
                                                        const std::string& json,
                                                        const BeforeCommit& before_commit) {
  FIDELIS_TRY(domain::Event event, domain::parse_event(*parser_, json, shop_id));
  SubmitResult submitted = submit_parsed(event);
  if (submitted.outcome != Outcome::accepted) return std::move(submitted.errors);
  const domain::MemberState& after =
      batches_[shop_id].members[overlay_.at(key(shop_id, member))].state;
  Redeemed applied;
  applied.member = member;
  applied.event_id = submitted.event_id;
  applied.redemption = *after.redemption(code);
  applied.available_after = after.available();
  if (before_commit) before_commit(applied);
  return applied;
}

void Engine::stage_idempotency(const std::string& shop_id, store::IdempotencyRecord record) {
  FIDELIS_ASSERT(in_batch_);
  store::Batch& batch = batches_[shop_id];
  batch.shop = shop_id;
  batch.idempotency.push_back(std::move(record));
}

core::Result<Engine::Redeemed> Engine::act_on_code(const std::string& shop_id,
                                                   std::string_view typed, bool use,
                                                   const std::string& note, core::Timestamp at,
                                                   const BeforeCommit& before_commit) {
  FIDELIS_ASSERT(!writer_);
  FIDELIS_TRY(const auto found, find_code(shop_id, typed));
  if (!found) {
    return core::make_error(ErrorCode::code_not_found,
                            "no code " + std::string(typed) + " in shop \"" + shop_id + "\"");
  }
  const std::string& member = found->member;
  const std::string& code = found->redemption.code;
  auto run = [&]() -> core::Result<Redeemed> {
    core::JsonWriter json;
    json.begin_object();
    json.key("id").value((use ? "use-" : "cancel-") + core::random_hex(12));
    json.key("type").value(use ? "reward.used" : "reward.cancelled");
    json.key("shop").value(shop_id);
    json.key("member").value(member);
    json.key("occurred_at").value(core::format_rfc3339(at));
    json.key("data").begin_object().key("code").value(code);
    if (!note.empty()) json.key(use ? "order_id" : "reason").value(note);
    json.end_object().end_object();
    return apply_code_event(shop_id, member, code, json.str(), before_commit);
  };
  return in_own_batch(run);
}

core::Result<std::optional<Engine::FoundCode>> Engine::find_code(const std::string& shop_id,
                                                                 std::string_view typed) {
  const auto code = domain::normalize_code(typed);
  if (!code) {
    return core::make_error(ErrorCode::code_invalid,
                            "\"" + std::string(typed) +
                                "\" is not a redemption code (13 characters of 0-9 and A-Z "
                                "without I, L, O, U)");
  }
  FIDELIS_TRY(const auto owner, store_.code_owner(shop_id, *code));
  if (!owner) return std::optional<FoundCode>{};
  FIDELIS_TRY(const auto state, member(shop_id, *owner));
  const domain::Redemption* redemption = state ? state->redemption(*code) : nullptr;
  if (redemption == nullptr) {
    return core::make_error(ErrorCode::storage_error, "code " + *code + " is indexed for member " +
                                                          *owner + " whose state does not hold it");
  }
  return std::optional<FoundCode>(FoundCode{*owner, *redemption});
}

core::Result<int> Engine::activate_program(const std::string& shop_id, std::string_view definition,
                                           std::optional<core::Timestamp> applies_from,
                                           core::Timestamp activated_at) {
  FIDELIS_TRY(const domain::Program program, domain::parse_program(*program_parser_, definition));
  // Fair play is checked at every activation, whoever activates (CLI, API, tests).
  domain::FairPlayReport fair = domain::check_fair_play(program);
  if (!fair.errors.empty()) return std::move(fair.errors);
  FIDELIS_TRY(const auto versions, store_.programs(shop_id));
  if (!versions.empty()) {
    FIDELIS_TRY(const domain::Program previous,
                domain::parse_program(*program_parser_, versions.back().definition));
    core::Errors devalued =
        domain::check_devaluation(previous, program, applies_from, activated_at);
    if (!devalued.empty()) return devalued;
  }
  if (!versions.empty() && !applies_from) {
    return core::make_error(
        ErrorCode::usage,
        "shop \"" + shop_id + "\" already has a program: give --from TIME for the new version");
  }
  if (!versions.empty() && versions.back().applies_from && applies_from &&
      *applies_from < *versions.back().applies_from) {
    return core::make_error(ErrorCode::usage,
                            "a new version cannot start before the previous one (" +
                                core::format_rfc3339(*versions.back().applies_from) + ")");
  }
  store::ProgramVersion version;
  version.version = versions.empty() ? 1 : versions.back().version + 1;
  version.applies_from = versions.empty() ? std::nullopt : applies_from;
  version.activated_at = activated_at;
  version.definition = std::string(definition);
  // When pipelined, every write goes through the writer connection: a write by the reader
  // connection would look like another process to the writer.
  FIDELIS_CHECK(wait_commit());
  FIDELIS_CHECK((writer_ ? *writer_ : store_).add_program(shop_id, version));
  shops_.erase(shop_id);
  return version.version;
}

}  // namespace fidelis::engine
