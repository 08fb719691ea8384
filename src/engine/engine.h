// The engine: turns events into stored effects. It checks idempotency, picks the program version
// in force, loads the member's state, calls the pure domain, and writes the event with all its
// effects through the store in one transaction. Many events share one transaction (group
// commit); none is reported accepted before that transaction is durable.
//
// Threading: one Engine per thread, over its own Store.
#pragma once

#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/bloom_filter.h"
#include "core/digest.h"
#include "core/result.h"
#include "domain/event/event.h"
#include "domain/ledger/apply.h"
#include "domain/program/program.h"
#include "store/store.h"

namespace fidelis::engine {

enum class Outcome { accepted, duplicate, conflict, rejected };
std::string_view outcome_name(Outcome outcome);

struct SubmitResult {
  Outcome outcome = Outcome::rejected;
  std::string event_id;  // when it could be read
  core::Errors errors;   // for rejected and conflict
};

struct TickResult {
  std::size_t members = 0;  // members whose timers ran
  std::size_t lines = 0;    // ledger lines written
};

// Bounds on memory: the committed-state cache is dropped whole when it grows past this.
inline constexpr std::size_t kMemberCacheMax = 1'000'000;
// A shop's filters of known event and order ids are built once it has needed this many store
// lookups: a small ingest never pays for the scan, a large one stops looking up new ids.
inline constexpr std::size_t kFilterAfterLookups = 4096;
// A tick is one transaction; it advances at most this many members.
inline constexpr std::size_t kTickMembersMax = 10'000'000;

class Engine {
 public:
  explicit Engine(store::Store& store);
  ~Engine();

  // Opens a batch (takes the store's write lock).
  core::Status begin_batch();
  // Validates and applies one event into the open batch. `accepted` here means "will be durable
  // when commit_batch() succeeds"; report it only after that.
  // `required_shop`: when set (the API key's shop), an event naming another shop is refused.
  SubmitResult submit(std::string_view json, std::string_view default_shop,
                      std::string_view required_shop = {});
  // Makes the batch durable. On failure nothing of the batch is stored.
  core::Status commit_batch();
  void abort_batch();

  // Pipelined group commit (docs/decisions/0006-pipelined-commit.md): batches are written through
  // `writer` (a second connection to the same database) on a background thread while the next
  // batch is prepared. Then:
  //   commit_batch_async() hands the open batch over and returns at once (at most one in flight);
  //   wait_commit() waits for it: only after it returns Ok is that batch durable and may be
  //   reported. If it fails, the batch prepared meanwhile is discarded too.
  // commit_batch() still works: it waits for the batch in flight, then commits synchronously.
  void enable_pipeline(std::unique_ptr<store::Store> writer);
  core::Status commit_batch_async();
  core::Status wait_commit();
  bool in_batch() const { return in_batch_; }
  // Between batches: drops the caches when another process wrote to the database since the
  // engine last looked (a server with the CLI writing beside it). True when it did.
  core::Result<bool> refresh_if_changed();
  std::size_t batch_events() const { return batch_events_; }

  // Redeems `reward` for `member` at `at`, in one transaction of its own: draws a new code from
  // the CSPRNG and applies a reward.redeemed event carrying it (the log keeps the code, so replay
  // issues the same one). Refusals: member_not_found, reward_not_found, insufficient_points,
  // reward_out_of_stock, reward_limit_reached. Not for pipelined engines.
  struct Redeemed {
    std::string member;
    std::string event_id;
    domain::Redemption redemption;
    domain::Points available_after = 0;
  };
  // `before_commit`, when given, runs inside the transaction once the redemption is applied
  // (the API stages its idempotent response there, so that both are durable together).
  using BeforeCommit = std::function<void(const Redeemed&)>;
  core::Result<Redeemed> redeem(const std::string& shop, const std::string& member,
                                const std::string& reward, core::Timestamp at,
                                const BeforeCommit& before_commit = {});
  // A code and the member holding it, as committed; nothing when no such code exists.
  struct FoundCode {
    std::string member;
    domain::Redemption redemption;
  };
  core::Result<std::optional<FoundCode>> find_code(const std::string& shop, std::string_view code);
  // The shop took the code (`use`, with the order it went on, if known) or withdrew it unused
  // (its points or store credit come back; `note` is the reason): one reward.used or
  // reward.cancelled event for the code's holder, in a transaction of its own. Refusals:
  // code_invalid, code_not_found, code_already_used, code_cancelled, code_expired.
  core::Result<Redeemed> act_on_code(const std::string& shop, std::string_view code, bool use,
                                     const std::string& note, core::Timestamp at,
                                     const BeforeCommit& before_commit = {});
  // Adds a response kept for an Idempotency-Key to the open batch of `shop`.
  void stage_idempotency(const std::string& shop, store::IdempotencyRecord record);

  // Runs every due timer of the shop up to `until`, in one transaction of its own. Timers apply
  // the program version in force at their time among versions up to `max_version` (0: all; the
  // tick records the latest it knew, and replay passes it back).
  core::Result<TickResult> tick(const std::string& shop, core::Timestamp until,
                                int max_version = 0);

  // Replay: applies a stored input again, under the program version it recorded (or, with
  // `by_time`, under the version in force at the event's time: simulation of a draft). Used by
  // replay verification and simulation on scratch stores.
  core::Status apply_stored(const std::string& shop, const store::StoredInput& input,
                            bool by_time = false);

  // A member's committed state, read through the engine's in-memory cache (filled from the
  // store on a miss). Nothing when the member does not exist.
  core::Result<std::optional<domain::MemberState>> member(const std::string& shop,
                                                          const std::string& member);

  // HMAC-SHA256 of `message` under the shop's secret, in hex (member tokens, pseudonyms).
  core::Result<std::string> keyed_digest(const std::string& shop, std::string_view message);

  // A member's referral code (stable; derived from the shop's secret).
  core::Result<std::string> referral_code(const std::string& shop, const std::string& member);

  // The leaderboard of the calendar period containing `at` (leaderboard.cc): members who opted
  // in, by points earned in the period (credits less take-backs), under pseudonyms.
  struct LeaderboardEntry {
    std::int64_t rank = 0;  // 1, 2, 2, 4…: equal points share a rank
    std::string pseudonym;
    domain::Points points = 0;
  };
  struct Leaderboard {
    core::Timestamp from, until;
    std::int64_t participants = 0;  // members who opted in
    std::vector<LeaderboardEntry> entries;
  };
  core::Result<Leaderboard> leaderboard(const std::string& shop, core::Timestamp at);
  // A member's pseudonym on the leaderboard ("Member 7QF9MX"): stable, unlinkable without the
  // shop's secret.
  core::Result<std::string> pseudonym(const std::string& shop, const std::string& member);

  // The program version in force at `at` for the shop (null when it has none).
  core::Result<const domain::Program*> program_in_force(const std::string& shop,
                                                        core::Timestamp at);

  // Activates a program version for the shop (validated first). `applies_from` empty means
  // from the beginning of time, allowed only for the first version.
  core::Result<int> activate_program(const std::string& shop, std::string_view definition,
                                     std::optional<core::Timestamp> applies_from,
                                     core::Timestamp activated_at);

 private:
  struct ShopContext {
    std::string secret;
    // HMAC-SHA256 under `secret`, set up once (identity digests, referral codes, tokens).
    std::shared_ptr<core::HmacSha256> keyed;
    bool is_new = false;
    std::vector<store::ProgramVersion> versions;
    std::vector<domain::Program> programs;
    std::int64_t last_seq = 0;
    // Every event, order and member id the shop has stored or has in a batch (see
    // kFilterAfterLookups).
    struct KnownIds {
      core::BloomFilter events;
      core::BloomFilter orders;
      core::BloomFilter members;
      bool full() const { return events.full() || orders.full() || members.full(); }
    };
    std::optional<KnownIds> known;
    std::size_t store_lookups = 0;
    // The sizes of the shop's last batch: the next one reserves as much at its first event,
    // rather than growing (and moving every member state) a dozen times.
    struct BatchSizes {
      std::size_t inputs = 0, lines = 0, members = 0, orders = 0;
    };
    BatchSizes last_batch;
  };
  enum class IdKind { event, order, member };

  core::Result<ShopContext*> shop(const std::string& shop);
  // Applies a reward event Fidelis writes itself (redeem, use, cancel) for `member`, in the open
  // batch, and reports `code` as it stands after.
  core::Result<Redeemed> apply_code_event(const std::string& shop, const std::string& member,
                                          const std::string& code, const std::string& json,
                                          const BeforeCommit& before_commit);
  // The member's current state; `is_new` tells whether the store has no row for it yet.
  // `for_a_change`: the caller will put the member's new state in the open batch, so a state the
  // cache holds is moved out rather than copied (the cache holds what the store holds; a read
  // before the commit then goes to the store, and the commit brings the new state back).
  core::Result<domain::MemberState> load_member(const std::string& shop, const std::string& member,
                                                bool& is_new, bool for_a_change = false);
  // Whether a member exists, given load_member()'s `is_new`.
  bool member_exists(const std::string& shop, const std::string& member, bool is_new) const;
  core::Result<std::optional<domain::OrderRecord>> load_order(const std::string& shop,
                                                              const std::string& order_id);
  // The program version in force at `at` among versions up to `max_version` (0: all), or
  // nothing when the shop has none.
  const domain::Program* program_at(const ShopContext& context, core::Timestamp at, int& version,
                                    int max_version = 0) const;
  // The same as a function of time, for the domain's timers.
  domain::ProgramAt program_lookup(const ShopContext& context, int max_version) const;
  const domain::Program* program_version(const ShopContext& context, int version) const;
  // False when the id is certainly not in the store (nor in a batch), so the lookup can be
  // skipped; true when the store must be asked.
  bool may_be_stored(ShopContext& context, const std::string& shop, IdKind kind,
                     const std::string& id);
  core::Status build_known_ids(ShopContext& context, const std::string& shop);
  // Idempotency, program, state, pure domain, record: everything submit() does once the event is
  // parsed and allowed.
  SubmitResult submit_parsed(domain::Event& event);
  // Codes of a reward outstanding or used, as this batch sees it.
  core::Result<std::int64_t> load_outstanding(const std::string& shop, const std::string& reward);
  // The member holding a code (redemption or referral), as this batch sees it.
  core::Result<std::optional<std::string>> code_holder(const std::string& shop,
                                                       const std::string& code);
  std::string derive_referral_code(const ShopContext& context, const std::string& member);
  // Runs `work` in a batch of its own: committed when it succeeds, aborted when it fails.
  template <typename Work>
  auto in_own_batch(Work& work) -> decltype(work()) {
    FIDELIS_CHECK(begin_batch());
    auto result = work();
    if (!result.ok()) {
      abort_batch();
      return result;
    }
    FIDELIS_CHECK(commit_batch());
    return result;
  }
  // What the shop knows for a referral: the referrer named by a member.enrolled event.
  core::Status view_referrer(const std::string& shop, const domain::Event& event,
                             domain::ShopView& view);
  // The referrers' side of referral notices, computed before anything is recorded (so that a
  // failure to read a referrer leaves the batch untouched), then recorded.
  struct ReferrerEffect {
    std::string referrer;
    bool is_new = false;  // created in this batch, not yet in the store
    domain::Effects effects;
  };
  using ReferrerEffects = std::vector<ReferrerEffect>;
  core::Result<ReferrerEffects> prepare_notices(const std::string& shop, ShopContext& context,
                                                const std::vector<domain::ReferralNotice>& notices,
                                                int max_version);
  void record_notices(const std::string& shop, ReferrerEffects effects);
  // Indexes a new member's referral code when the program in force has referrals.
  void index_referral_code(const std::string& shop, const ShopContext& context,
                           const std::string& member, const domain::Program& program);
  // Adds the effects' codes and stock changes to the open batch.
  core::Status record_rewards(const std::string& shop, const std::string& member,
                              domain::Effects& effects);
  // Adds the event and its effects to the open batch. Takes the event's body.
  void record(const std::string& shop, ShopContext& context, domain::Event& event,
              domain::Effects&& effects, bool member_is_new, int program_version,
              std::string digest, std::int64_t seq);
  void drop_caches();
  // Moves the open batch (overlays included) into store batches, and closes it.
  std::vector<store::Batch> take_batch();
  // The same without closing it: the overlays keep their moved-from entries until clear_batch().
  std::vector<store::Batch> gather_batch();
  // After a successful commit: the committed states join the cache.
  void remember_committed(std::vector<store::Batch>& batches);
  void forget_in_flight();
  // The batch in flight failed: the batch prepared on top of it (open, or gathered and not yet
  // cleared) is void as well, and the caches go with the shop contexts it moved on.
  void void_in_flight();
  void clear_in_flight_lookups();
  // Lookups by key into the batches in flight.
  void index_in_flight();
  // Empties the open batch and its overlays.
  void clear_batch();
  // The member's state as this batch leaves it (is_new: no stored row yet).
  void stage_member(store::Batch& batch, const std::string& shop_id, const std::string& member,
                    domain::MemberState&& state, bool is_new);

  store::Store& store_;
  std::unique_ptr<store::Store> writer_;  // pipelined mode only
  std::vector<store::Batch> in_flight_;
  std::future<core::Status> in_flight_result_;
  // Lookups into in_flight_ while it is being written (read-only on both threads).
  std::unordered_map<std::string, const store::MemberWrite*> in_flight_members_;
  std::unordered_map<std::string, const store::OrderWrite*> in_flight_orders_;
  std::unordered_map<std::string, const store::StoredInput*> in_flight_events_;
  std::unordered_map<std::string, std::int64_t> in_flight_stock_;
  std::unordered_map<std::string, std::string> in_flight_codes_;
  // Behind pointers so that this header does not bring in simdjson (core/json_reader.h).
  std::unique_ptr<core::JsonParser> parser_;
  // Program definitions get their own parser: a shop's programs may be loaded while an event is
  // being parsed (its identity digests need the shop's secret), and a simdjson parser holds one
  // document at a time.
  std::unique_ptr<core::JsonParser> program_parser_;
  std::map<std::string, ShopContext> shops_;
  std::unordered_map<std::string, domain::MemberState> members_;  // committed states
  bool in_batch_ = false;
  std::size_t batch_events_ = 0;
  std::map<std::string, store::Batch> batches_;  // by shop
  // This batch's member states and order records live in its writes from the start (nothing to
  // gather at commit): key → index in batches_[shop].members / .orders.
  std::unordered_map<std::string, std::size_t> overlay_;
  std::unordered_map<std::string, std::size_t> order_overlay_;
  // This batch's events: key → index in batches_[shop].inputs.
  std::unordered_map<std::string, std::size_t> event_overlay_;
  std::map<std::string, std::int64_t> seq_overlay_;            // by shop
  std::map<std::string, std::int64_t> stock_overlay_;          // by shop and reward: outstanding
  std::unordered_map<std::string, std::string> code_overlay_;  // by shop and code: member
};

// Rebuilds `shop`'s derived state from its input log on a scratch in-memory store and compares
// it with `live`: member states, ledger lines, order records, codes and stock. Then replays the
// log with a simulation's Replayer (replayer.h) under the recorded versions and compares its end
// (states, orders, codes, stock, totals) with `live` too. The result lists differences (at most
// `differences_max`); empty means identical.
struct ReplayReport {
  std::size_t inputs = 0;
  std::size_t members = 0;
  std::size_t lines = 0;
  std::size_t orders = 0;
  std::vector<std::string> differences;
};
core::Result<ReplayReport> verify_replay(store::Store& live, const std::string& shop,
                                         std::size_t differences_max = 20);

// Simulation (docs/reference/cli.md "simulate"): the shop's stored history replayed in memory
// twice by two Replayers (replayer.h), side by side on two threads, under the live versions and
// under a draft (in force from `from`, or from the start), up to `to`; what each run issued, spent
// and let expire in [from, to), and where it ends.
struct SimulationTotals {
  domain::Points issued = 0;    // credits: orders, actions, missions, referrals, adjustments
  domain::Points redeemed = 0;  // spent (rewards and points.spent), less codes given back
  domain::Points expired = 0;
  domain::Points reversed = 0;      // taken back for refunds, cancellations, negative adjustments
  domain::Points outstanding = 0;   // available + pending - debt, all members, at the end
  std::int64_t rewards_issued = 0;  // codes
  std::map<std::string, std::int64_t> tiers;  // members per level at the end ("" = none)
  std::size_t members = 0;
  // Outstanding points at the best rate a reward offers (amount per point), when one does.
  std::optional<core::Money> liability;
  // What the points issued stand for at that rate, per member (rounded down), when one does.
  std::optional<core::Money> cost_per_member;

  domain::Points issued_per_member() const {
    return members > 0 ? issued / static_cast<domain::Points>(members) : 0;
  }
};
struct SimulationReport {
  std::size_t inputs = 0;
  SimulationTotals live, draft;
  std::size_t members_affected = 0;   // whose end state differs between the runs
  std::size_t refused = 0;            // inputs the draft could not apply (a reward it lacks…)
  std::vector<std::string> refusals;  // the first few, with the reason
  double seconds = 0;                 // wall time of both runs

  // Inputs both runs applied (twice the history's) per second of wall time.
  double inputs_per_second() const {
    return seconds > 0 ? 2.0 * static_cast<double>(inputs) / seconds : 0;
  }
};
// Per mission of `program`: members of the shop, members who counted at least one action toward
// it, who completed it at least once, completions in all, and the completion rate among those
// who started (tenths of a percent).
struct MissionStats {
  std::string mission;
  std::int64_t members = 0, started = 0, completed = 0, completions = 0;
  std::int64_t completion_rate_tenths = 0;
};
core::Result<std::vector<MissionStats>> mission_stats(store::Store& store, const std::string& shop,
                                                      const domain::Program& program);

core::Result<SimulationReport> simulate(store::Store& live, const std::string& shop,
                                        std::string_view draft, std::optional<core::Timestamp> from,
                                        std::optional<core::Timestamp> to);

}  // namespace fidelis::engine
