// The store interface: everything the engine persists, behind one interface that SQLite
// (store/sqlite), memory (store/memory) and later PostgreSQL implement. Every key starts with the
// shop. Writes happen in batches: begin_write() takes the write lock, commit_write() makes the
// whole batch durable in one transaction or nothing at all.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "domain/ledger/state.h"

namespace fidelis::store {

enum class InputKind : int { event = 0, tick = 1 };

// One row of a shop's input log: an accepted event (canonical body, no personal data) or a tick.
// Replaying the log in seq order rebuilds every derived table.
struct StoredInput {
  std::int64_t seq = 0;  // per shop, gap-free from 1
  InputKind kind = InputKind::event;
  std::string event_id;  // empty for ticks
  std::string type;
  std::string member;
  core::Timestamp at;  // occurred_at, or the tick's `until`
  std::string body;
  std::string personal_digest;  // HMAC of the personal fields, for idempotency; may be empty
  int program_version = 0;

  bool operator==(const StoredInput&) const = default;
};

struct ProgramVersion {
  int version = 0;
  std::optional<core::Timestamp> applies_from;  // nothing: from the beginning of time
  core::Timestamp activated_at;
  std::string definition;  // the JSON text as activated

  bool operator==(const ProgramVersion&) const = default;
};

// Personal data, kept apart from the event log and the ledger (erasure removes it alone).
struct Profile {
  std::string member;
  std::optional<std::string> email, phone, name, birthday;
  core::Timestamp updated_at;
  std::optional<std::string> address;
};

struct MemberLine {
  std::string member;
  domain::LedgerLine line;
};

// A member state or order record to write: `is_new` rows are inserted, the others updated (the
// engine knows which, and a plain INSERT or UPDATE is cheaper than an upsert).
struct MemberWrite {
  domain::MemberState state;
  bool is_new = false;
};
struct OrderWrite {
  domain::OrderRecord record;
  bool is_new = false;
};

// A redemption code and the member holding it (the shop-wide code index).
struct CodeWrite {
  std::string code;
  std::string member;
};
// How many codes of a reward are outstanding or used, shop-wide (upserted).
struct StockWrite {
  std::string reward;
  std::int64_t outstanding = 0;
};

// An API key (docs/reference/http.md): only a hash of the key is stored.
struct ApiKey {
  std::string id;  // "key_…", shown in listings
  std::string shop;
  std::string scope;  // admin | server | storefront
  std::string hash;   // SHA-256 of the key, lower-case hex
  core::Timestamp created_at;
  std::optional<core::Timestamp> revoked_at;
  std::optional<std::int64_t> rate;  // requests per second (burst as many); none: no limit

  bool operator==(const ApiKey&) const = default;
};
struct KeyRevocation {
  std::string id;
  core::Timestamp at;
};

// A response kept for an Idempotency-Key (docs/reference/http.md): a retry with the same key and
// request gets it again; written in the transaction of what it answers.
struct IdempotencyRecord {
  std::string key;
  std::string request_digest;  // SHA-256 of method, path and body
  int status = 0;
  std::string content_type;
  std::string body;
  core::Timestamp created_at;

  bool operator==(const IdempotencyRecord&) const = default;
};

struct Batch {
  std::string shop;
  std::string new_shop_secret;  // set when the shop is created in this batch
  std::vector<StoredInput> inputs;
  std::vector<MemberWrite> members;
  std::vector<MemberLine> lines;
  std::vector<OrderWrite> orders;
  std::vector<Profile> profiles;  // field-wise upserts (absent fields kept)
  std::vector<CodeWrite> codes;   // inserts
  std::vector<StockWrite> stock;
  std::vector<ApiKey> new_keys;                // inserts
  std::vector<KeyRevocation> revocations;      // of the batch shop's keys not yet revoked
  std::vector<IdempotencyRecord> idempotency;  // upserts
};

class Store {
 public:
  virtual ~Store() = default;

  // Takes the write lock and opens a transaction. Returns true if another writer (another
  // process) committed since this store's previous transaction: the caller must drop caches.
  virtual core::Result<bool> begin_write() = 0;
  // Whether another connection committed since this one last looked (outside a transaction).
  // When it did, whatever the caller cached from the store may be stale.
  virtual core::Result<bool> changed_by_others() = 0;
  // Writes the batches and commits. Durable on return (SQLite: WAL + synchronous=FULL).
  virtual core::Status commit_write(const std::vector<Batch>& batches) = 0;
  // The same, for a caller done with the batches' inputs, lines and orders: a store that keeps
  // them in memory moves them out instead of copying (the member writes stay: the engine caches
  // them after the commit).
  virtual core::Status commit_write_consuming(std::vector<Batch>& batches) {
    return commit_write(batches);
  }
  virtual void abort_write() = 0;

  virtual core::Result<std::optional<std::string>> shop_secret(const std::string& shop) = 0;
  virtual core::Result<std::vector<std::string>> shops() = 0;
  // API keys: by the hash of the key (any shop), or a shop's keys by id.
  virtual core::Result<std::optional<ApiKey>> key_by_hash(const std::string& hash) = 0;
  virtual core::Result<std::vector<ApiKey>> keys(const std::string& shop) = 0;
  virtual core::Result<std::optional<IdempotencyRecord>> idempotency(const std::string& shop,
                                                                     const std::string& key) = 0;
  virtual core::Result<std::vector<ProgramVersion>> programs(const std::string& shop) = 0;
  // Adds a program version in its own transaction.
  virtual core::Status add_program(const std::string& shop, const ProgramVersion& version) = 0;

  virtual core::Result<std::optional<domain::MemberState>> member(const std::string& shop,
                                                                  const std::string& member) = 0;
  virtual core::Result<std::optional<domain::OrderRecord>> order(const std::string& shop,
                                                                 const std::string& order_id) = 0;
  virtual core::Result<std::optional<StoredInput>> event(const std::string& shop,
                                                         const std::string& event_id) = 0;
  virtual core::Result<std::int64_t> last_seq(const std::string& shop) = 0;
  // Ledger lines of a member with seq > after_seq, at most `limit`, in seq order.
  virtual core::Result<std::vector<domain::LedgerLine>> ledger(const std::string& shop,
                                                               const std::string& member,
                                                               std::uint64_t after_seq,
                                                               std::size_t limit) = 0;
  // Members whose next timer is due at or before `until`, soonest first, at most `limit`.
  virtual core::Result<std::vector<std::string>> members_due(const std::string& shop,
                                                             core::Timestamp until,
                                                             std::size_t limit) = 0;
  virtual core::Result<std::vector<StoredInput>> inputs(const std::string& shop,
                                                        std::int64_t after_seq,
                                                        std::size_t limit) = 0;
  virtual core::Result<std::optional<Profile>> profile(const std::string& shop,
                                                       const std::string& member) = 0;
  // The members whose email is `email` (ASCII case ignored), in id order: a search, for the
  // dashboard; personal data stays in the profiles.
  virtual core::Result<std::vector<std::string>> members_with_email(const std::string& shop,
                                                                    const std::string& email) = 0;

  // The member holding a redemption code (printed form), if the code exists.
  virtual core::Result<std::optional<std::string>> code_owner(const std::string& shop,
                                                              const std::string& code) = 0;
  // Codes of a reward outstanding or used, shop-wide (0 when none was ever issued).
  virtual core::Result<std::int64_t> reward_outstanding(const std::string& shop,
                                                        const std::string& reward) = 0;

  // Visits every member state / order record of a shop in key order (replay verification).
  virtual core::Status for_each_member(
      const std::string& shop, const std::function<void(const domain::MemberState&)>& visit) = 0;
  virtual core::Status for_each_order(
      const std::string& shop, const std::function<void(const domain::OrderRecord&)>& visit) = 0;
  // Visits every ledger line of a shop: each member's lines in seq order, members interleaved
  // (the dashboard's points per period, in one pass instead of one read per member).
  virtual core::Status for_each_line(const std::string& shop,
                                     const std::function<void(const MemberLine&)>& visit) = 0;
  // Visits every code (with its member) and every reward's stock count, in key order.
  virtual core::Status for_each_code(
      const std::string& shop,
      const std::function<void(std::string_view code, std::string_view member)>& visit) = 0;
  virtual core::Status for_each_stock(
      const std::string& shop,
      const std::function<void(std::string_view reward, std::int64_t outstanding)>& visit) = 0;
  // Visits the id of every stored event / order / member of a shop, in no particular order (the
  // engine builds its filters of known ids from them).
  virtual core::Status for_each_event_id(const std::string& shop,
                                         const std::function<void(std::string_view)>& visit) = 0;
  virtual core::Status for_each_order_id(const std::string& shop,
                                         const std::function<void(std::string_view)>& visit) = 0;
  virtual core::Status for_each_member_id(const std::string& shop,
                                          const std::function<void(std::string_view)>& visit) = 0;
};

// Calls `visit` with each of the shop's inputs in seq order, reading the log a page at a time
// (store.cc); stops at the first error `visit` or the store returns.
core::Status for_each_input(Store& store, const std::string& shop,
                            const std::function<core::Status(const StoredInput&)>& visit);
// The same, a page (up to 10,000 inputs, in seq order) at a time, which `visit` may keep.
core::Status for_each_input_page(
    Store& store, const std::string& shop,
    const std::function<core::Status(std::vector<StoredInput>&&)>& visit);

}  // namespace fidelis::store
