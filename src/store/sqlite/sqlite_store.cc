// SqliteStore: the Store interface on SQLite 3 through its C API, with prepared statements kept
// for the life of the connection.
#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <unordered_map>

#include "core/assert.h"
#include "core/digest.h"
#include "store/codec.h"

namespace fidelis::store {
namespace {

using core::ErrorCode;

// Migration N brings the schema from version N-1 to N. Never edit a released migration: add one.
constexpr std::array<const char*, 9> kMigrations = {
    R"sql(
CREATE TABLE shops (
  shop TEXT PRIMARY KEY,
  secret TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE programs (
  shop TEXT NOT NULL,
  version INTEGER NOT NULL,
  applies_from INTEGER,
  activated_at INTEGER NOT NULL,
  definition TEXT NOT NULL,
  PRIMARY KEY (shop, version)
) WITHOUT ROWID;
CREATE TABLE inputs (
  shop TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  event_id TEXT,
  type TEXT NOT NULL,
  member TEXT NOT NULL,
  at INTEGER NOT NULL,
  body TEXT NOT NULL,
  personal_digest TEXT NOT NULL,
  program_version INTEGER NOT NULL,
  PRIMARY KEY (shop, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX inputs_by_event_id ON inputs (shop, event_id) WHERE event_id IS NOT NULL;
CREATE TABLE members (
  shop TEXT NOT NULL,
  member TEXT NOT NULL,
  state BLOB NOT NULL,
  next_due INTEGER,
  PRIMARY KEY (shop, member)
) WITHOUT ROWID;
CREATE INDEX members_by_next_due ON members (shop, next_due) WHERE next_due IS NOT NULL;
CREATE TABLE orders (
  shop TEXT NOT NULL,
  order_id TEXT NOT NULL,
  record BLOB NOT NULL,
  PRIMARY KEY (shop, order_id)
) WITHOUT ROWID;
CREATE TABLE ledger (
  shop TEXT NOT NULL,
  member TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  points INTEGER NOT NULL,
  event TEXT NOT NULL,
  rule TEXT NOT NULL,
  lots TEXT NOT NULL,
  order_id TEXT NOT NULL,
  note TEXT NOT NULL,
  waived INTEGER NOT NULL,
  available_after INTEGER NOT NULL,
  pending_after INTEGER NOT NULL,
  debt_after INTEGER NOT NULL
);
-- Lines are appended in commit order (cheap: new pages only); members read theirs through
-- this narrow index, so a batch touching many members rewrites few pages.
CREATE UNIQUE INDEX ledger_by_member ON ledger (shop, member, seq);
-- Personal data lives here only: erasing a member deletes this row and nothing else.
CREATE TABLE profiles (
  shop TEXT NOT NULL,
  member TEXT NOT NULL,
  email TEXT,
  phone TEXT,
  name TEXT,
  birthday TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (shop, member)
) WITHOUT ROWID;
)sql",
    // 2: a member's ledger lines are chained (each line names the rowid of the member's previous
    // line, the member row names the last) instead of indexed by member. Lines stay appended in
    // commit order, and a batch no longer dirties a page of a member-ordered index per line: at
    // 100k members that index was rewritten almost whole by every batch (docs/performance.md).
    R"sql(
ALTER TABLE ledger ADD COLUMN prev INTEGER;
ALTER TABLE members ADD COLUMN ledger_head INTEGER;
UPDATE ledger SET prev = (SELECT p.rowid FROM ledger p WHERE p.shop = ledger.shop
                          AND p.member = ledger.member AND p.seq = ledger.seq - 1);
UPDATE members SET ledger_head = (SELECT l.rowid FROM ledger l WHERE l.shop = members.shop
                                  AND l.member = members.member ORDER BY l.seq DESC LIMIT 1);
DROP INDEX ledger_by_member;
)sql",
    // 3: rewards. Redemption codes are looked up by code alone (validate, use), so they get a
    // shop-wide index; reward stock is shop-wide state.
    R"sql(
CREATE TABLE codes (
  shop TEXT NOT NULL,
  code TEXT NOT NULL,
  member TEXT NOT NULL,
  PRIMARY KEY (shop, code)
) WITHOUT ROWID;
CREATE TABLE reward_stock (
  shop TEXT NOT NULL,
  reward TEXT NOT NULL,
  outstanding INTEGER NOT NULL,
  PRIMARY KEY (shop, reward)
) WITHOUT ROWID;
)sql",
    // 4: store credit (cashback): ledger lines carry a money amount and the wallet after it.
    R"sql(
ALTER TABLE ledger ADD COLUMN credit INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ledger ADD COLUMN credit_after INTEGER NOT NULL DEFAULT 0;
)sql",
    // 5: a member's postal address (personal data, for the same-person referral check).
    R"sql(
ALTER TABLE profiles ADD COLUMN address TEXT;
)sql",
    // 6: API keys for the HTTP API, looked up by the hash of the key.
    R"sql(
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  shop TEXT NOT NULL,
  scope TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) WITHOUT ROWID;
)sql",
    // 7: responses kept for Idempotency-Key retries.
    R"sql(
CREATE TABLE idempotency (
  shop TEXT NOT NULL,
  key TEXT NOT NULL,
  request_digest TEXT NOT NULL,
  status INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (shop, key)
) WITHOUT ROWID;
)sql",
    // 8: an optional rate limit per API key.
    R"sql(
ALTER TABLE api_keys ADD COLUMN rate INTEGER;
)sql",
    // 9: no index on next_due. Nearly every event moves its member's next due timer, so the index
    // cost a delete and an insert per member written, about a third of writing the members in a
    // bulk ingest (decision 0023); `tick` scans the shop's members instead.
    R"sql(
DROP INDEX members_by_next_due;
)sql",
};

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    const int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    FIDELIS_ASSERT(rc == SQLITE_OK);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  sqlite3_stmt* get() { return stmt_; }
  Statement& reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return *this;
  }
  // After a step, ready to run again; the bindings stay until the next reset() clears them
  // (clearing them twice a row costs about 1 % of a bulk write).
  void rewind() { sqlite3_reset(stmt_); }
  Statement& bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    return *this;
  }
  Statement& bind_blob(int index, std::string_view bytes) {
    sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
    return *this;
  }
  Statement& bind(int index, std::int64_t number) {
    sqlite3_bind_int64(stmt_, index, number);
    return *this;
  }
  Statement& bind_null(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
  }
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind_optional(int index, const std::optional<std::string>& text) {
    return text ? bind(index, std::string_view(*text)) : bind_null(index);
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(stmt_); }
  std::string_view text(int column) {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return data == nullptr
               ? std::string_view{}
               : std::string_view(data,
                                  static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  std::string_view blob(int column) {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    return data == nullptr
               ? std::string_view{}
               : std::string_view(data,
                                  static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  std::int64_t integer(int column) { return sqlite3_column_int64(stmt_, column); }
  bool is_null(int column) { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::optional<std::string> optional_text(int column) {
    if (is_null(column)) return std::nullopt;
    return std::string(text(column));
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  ~SqliteStore() override {
    statements_.clear();
    sqlite3_close_v2(db_);
  }

  core::Status init(SqliteOptions options) {
    // First: every statement below may meet another process's write lock, and must wait for it.
    sqlite3_busy_timeout(db_, 10'000);
    // 32 KiB pages for a new database (an existing one keeps its size): a batch writes each
    // dirty page as a WAL frame, at a cost per frame, and a batch touching members all over the
    // table dirties most of its pages whatever their size (decision 0007).
    FIDELIS_CHECK(exec("PRAGMA page_size=32768"));
    FIDELIS_CHECK(switch_to_wal());
    FIDELIS_CHECK(
        exec(options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"));
    // Checkpoint every 128 MiB of WAL rather than every 1000 pages: pages rewritten by several
    // batches are then copied into the database once. (Larger intervals gained nothing once
    // the final checkpoint at close is counted; docs/performance.md.)
    {
      auto& stmt = prepare("PRAGMA page_size");
      stmt.reset();
      if (stmt.step() != SQLITE_ROW) return storage_error("reading page_size");
      const std::int64_t page_size = stmt.integer(0);
      stmt.reset();
      const std::string pragma =
          "PRAGMA wal_autocheckpoint=" +
          std::to_string((std::int64_t{128} << 20) / std::max<std::int64_t>(page_size, 512));
      FIDELIS_CHECK(exec(pragma.c_str()));
    }
    FIDELIS_CHECK(exec("PRAGMA cache_size=-262144"));  // 256 MiB page cache
    FIDELIS_CHECK(exec("PRAGMA temp_store=MEMORY"));
    FIDELIS_CHECK(migrate(options.schema_version > 0
                              ? static_cast<std::size_t>(options.schema_version)
                              : kMigrations.size()));
    // The baseline for begin_write(): only commits by other connections after this count.
    auto& stmt = prepare("PRAGMA data_version");
    stmt.reset();
    if (stmt.step() != SQLITE_ROW) return storage_error("reading data_version");
    data_version_ = stmt.integer(0);
    stmt.reset();
    return core::Ok{};
  }

  core::Result<bool> begin_write() override {
    FIDELIS_CHECK(exec("BEGIN IMMEDIATE"));
    auto& stmt = prepare("PRAGMA data_version");
    stmt.reset();
    if (stmt.step() != SQLITE_ROW) return storage_error("reading data_version");
    const std::int64_t version = stmt.integer(0);
    stmt.reset();
    const bool changed = data_version_ != version;
    data_version_ = version;
    if (changed) forget_heads();
    return changed;
  }

  core::Result<bool> changed_by_others() override {
    auto& stmt = prepare("PRAGMA data_version");
    stmt.reset();
    if (stmt.step() != SQLITE_ROW) return storage_error("reading data_version");
    const std::int64_t version = stmt.integer(0);
    stmt.reset();
    const bool changed = data_version_ != version;
    data_version_ = version;
    if (changed) forget_heads();
    return changed;
  }

  core::Status commit_write(const std::vector<Batch>& batches) override {
    for (const auto& batch : batches) {
      auto status = write_batch(batch);
      if (!status.ok()) {
        abort_write();
        return status;
      }
    }
    auto status = exec("COMMIT");
    if (!status.ok()) abort_write();
    return status;
  }

  void abort_write() override {
    forget_heads();  // they may name lines of the transaction rolled back
    if (!sqlite3_get_autocommit(db_)) (void)exec("ROLLBACK");
  }

  core::Result<std::optional<std::string>> shop_secret(const std::string& shop) override {
    auto& stmt = prepare("SELECT secret FROM shops WHERE shop = ?");
    stmt.reset().bind(1, shop);
    return single<std::string>(stmt, [&] { return std::string(stmt.text(0)); });
  }

  core::Result<std::vector<std::string>> shops() override {
    auto& stmt = prepare("SELECT shop FROM shops ORDER BY shop");
    stmt.reset();
    return all<std::string>(
        stmt, [&]() -> core::Result<std::string> { return std::string(stmt.text(0)); });
  }

  static ApiKey read_key(Statement& stmt) {
    ApiKey key;
    key.id = std::string(stmt.text(0));
    key.shop = std::string(stmt.text(1));
    key.scope = std::string(stmt.text(2));
    key.hash = std::string(stmt.text(3));
    key.created_at = core::Timestamp{stmt.integer(4)};
    if (!stmt.is_null(5)) key.revoked_at = core::Timestamp{stmt.integer(5)};
    if (!stmt.is_null(6)) key.rate = stmt.integer(6);
    return key;
  }

  core::Result<std::optional<ApiKey>> key_by_hash(const std::string& hash) override {
    auto& stmt = prepare(
        "SELECT id, shop, scope, hash, created_at, revoked_at, rate FROM api_keys WHERE hash = ?");
    stmt.reset().bind(1, hash);
    return single<ApiKey>(stmt, [&] { return read_key(stmt); });
  }

  core::Result<std::vector<ApiKey>> keys(const std::string& shop) override {
    auto& stmt = prepare(
        "SELECT id, shop, scope, hash, created_at, revoked_at, rate FROM api_keys WHERE shop = ? "
        "ORDER BY id");
    stmt.reset().bind(1, shop);
    return all<ApiKey>(stmt, [&]() -> core::Result<ApiKey> { return read_key(stmt); });
  }

  core::Result<std::optional<IdempotencyRecord>> idempotency(const std::string& shop,
                                                             const std::string& key) override {
    auto& stmt = prepare(
        "SELECT request_digest, status, content_type, body, created_at FROM idempotency "
        "WHERE shop = ? AND key = ?");
    stmt.reset().bind(1, shop).bind(2, key);
    return single<IdempotencyRecord>(stmt, [&] {
      IdempotencyRecord record;
      record.key = key;
      record.request_digest = std::string(stmt.text(0));
      record.status = static_cast<int>(stmt.integer(1));
      record.content_type = std::string(stmt.text(2));
      record.body = std::string(stmt.text(3));
      record.created_at = core::Timestamp{stmt.integer(4)};
      return record;
    });
  }

  core::Result<std::vector<ProgramVersion>> programs(const std::string& shop) override {
    auto& stmt = prepare(
        "SELECT version, applies_from, activated_at, definition FROM programs WHERE shop = ? "
        "ORDER BY version");
    stmt.reset().bind(1, shop);
    return all<ProgramVersion>(stmt, [&]() -> core::Result<ProgramVersion> {
      ProgramVersion version;
      version.version = static_cast<int>(stmt.integer(0));
      if (!stmt.is_null(1)) version.applies_from = core::Timestamp{stmt.integer(1)};
      version.activated_at = core::Timestamp{stmt.integer(2)};
      version.definition = std::string(stmt.text(3));
      return version;
    });
  }

  core::Status add_program(const std::string& shop, const ProgramVersion& version) override {
    FIDELIS_TRY(const bool changed, begin_write());
    (void)changed;
    ensure_shop_secret(shop);
    auto& stmt = prepare(
        "INSERT INTO programs (shop, version, applies_from, activated_at, definition) "
        "VALUES (?, ?, ?, ?, ?)");
    stmt.reset().bind(1, shop).bind(2, std::int64_t{version.version});
    if (version.applies_from) {
      stmt.bind(3, version.applies_from->micros);
    } else {
      stmt.bind_null(3);
    }
    stmt.bind(4, version.activated_at.micros).bind(5, version.definition);
    if (stmt.step() != SQLITE_DONE) {
      auto error = storage_error("saving the program");
      stmt.reset();
      abort_write();
      return error;
    }
    stmt.reset();
    auto status = exec("COMMIT");
    if (!status.ok()) abort_write();
    return status;
  }

  core::Result<std::optional<domain::MemberState>> member(const std::string& shop,
                                                          const std::string& member) override {
    auto& stmt = prepare("SELECT state FROM members WHERE shop = ? AND member = ?");
    stmt.reset().bind(1, shop).bind(2, member);
    const int rc = stmt.step();
    if (rc == SQLITE_DONE) return std::optional<domain::MemberState>{};
    if (rc != SQLITE_ROW) return storage_error("reading a member");
    auto state = decode_member(stmt.blob(0));
    stmt.reset();
    if (!state.ok()) return state.take_errors();
    return std::optional<domain::MemberState>(std::move(state).value());
  }

  core::Result<std::optional<domain::OrderRecord>> order(const std::string& shop,
                                                         const std::string& order_id) override {
    auto& stmt = prepare("SELECT record FROM orders WHERE shop = ? AND order_id = ?");
    stmt.reset().bind(1, shop).bind(2, order_id);
    const int rc = stmt.step();
    if (rc == SQLITE_DONE) return std::optional<domain::OrderRecord>{};
    if (rc != SQLITE_ROW) return storage_error("reading an order");
    auto record = decode_order(stmt.blob(0));
    stmt.reset();
    if (!record.ok()) return record.take_errors();
    return std::optional<domain::OrderRecord>(std::move(record).value());
  }

  core::Result<std::optional<StoredInput>> event(const std::string& shop,
                                                 const std::string& event_id) override {
    auto& stmt = prepare(
        "SELECT seq, kind, event_id, type, member, at, body, personal_digest, program_version "
        "FROM inputs WHERE shop = ? AND event_id = ?");
    stmt.reset().bind(1, shop).bind(2, event_id);
    return single<StoredInput>(stmt, [&] { return read_input(stmt); });
  }

  core::Result<std::int64_t> last_seq(const std::string& shop) override {
    auto& stmt = prepare("SELECT coalesce(max(seq), 0) FROM inputs WHERE shop = ?");
    stmt.reset().bind(1, shop);
    if (stmt.step() != SQLITE_ROW) return storage_error("reading the input log");
    const std::int64_t seq = stmt.integer(0);
    stmt.reset();
    return seq;
  }

  core::Result<std::vector<domain::LedgerLine>> ledger(const std::string& shop,
                                                       const std::string& member,
                                                       std::uint64_t after_seq,
                                                       std::size_t limit) override {
    // Walk the member's chain back from its last line to the first line after `after_seq`,
    // reading only seq and link, then read the `limit` oldest of those in full.
    FIDELIS_TRY(std::optional<std::int64_t> at, ledger_head(shop, member));
    std::vector<std::int64_t> newest_first;
    std::uint64_t previous_seq = UINT64_MAX;
    auto& link = prepare("SELECT seq, prev FROM ledger WHERE rowid = ?");
    while (at) {
      link.reset().bind(1, *at);
      if (link.step() != SQLITE_ROW) {
        link.reset();
        return storage_error("following the ledger chain of member " + member);
      }
      const auto seq = static_cast<std::uint64_t>(link.integer(0));
      const std::int64_t rowid = *at;
      at = link.is_null(1) ? std::nullopt : std::optional<std::int64_t>(link.integer(1));
      link.reset();
      // Links go back in rowid and seq: anything else is damage, and must not loop.
      if ((at && *at >= rowid) || seq >= previous_seq) {
        return core::make_error(ErrorCode::storage_error,
                                "the ledger chain of member " + member + " is broken");
      }
      previous_seq = seq;
      if (seq <= after_seq) break;
      newest_first.push_back(rowid);
    }
    std::vector<domain::LedgerLine> lines;
    auto& stmt = prepare(
        "SELECT seq, at, kind, points, event, rule, lots, order_id, note, waived, "
        "available_after, pending_after, debt_after, credit, credit_after FROM ledger "
        "WHERE rowid = ?");
    for (auto it = newest_first.rbegin(); it != newest_first.rend() && lines.size() < limit; ++it) {
      stmt.reset().bind(1, *it);
      if (stmt.step() != SQLITE_ROW) {
        stmt.reset();
        return storage_error("reading the ledger of member " + member);
      }
      auto line = read_line(stmt);
      stmt.reset();
      if (!line.ok()) return line.take_errors();
      lines.push_back(std::move(line).value());
    }
    return lines;
  }

  // The line in columns `first` to `first` + 14 (seq, at, kind, … credit_after, in ledger()'s
  // order).
  static core::Result<domain::LedgerLine> read_line(Statement& stmt, int first = 0) {
    domain::LedgerLine line;
    line.seq = static_cast<std::uint64_t>(stmt.integer(first + 0));
    line.at = core::Timestamp{stmt.integer(first + 1)};
    line.kind = static_cast<domain::LineKind>(stmt.integer(first + 2));
    line.points = stmt.integer(first + 3);
    line.event = std::string(stmt.text(first + 4));
    line.rule = std::string(stmt.text(first + 5));
    FIDELIS_TRY(line.lots, decode_lots(stmt.text(first + 6)));
    line.order_id = std::string(stmt.text(first + 7));
    line.note = std::string(stmt.text(first + 8));
    line.waived = stmt.integer(first + 9);
    line.available_after = stmt.integer(first + 10);
    line.pending_after = stmt.integer(first + 11);
    line.debt_after = stmt.integer(first + 12);
    line.credit = stmt.integer(first + 13);
    line.credit_after = stmt.integer(first + 14);
    return line;
  }

  core::Status for_each_line(const std::string& shop,
                             const std::function<void(const MemberLine&)>& visit) override {
    // In rowid order: lines are appended, so each member's come in seq order.
    Statement stmt(db_,
                   "SELECT member, seq, at, kind, points, event, rule, lots, order_id, note, "
                   "waived, available_after, pending_after, debt_after, credit, credit_after "
                   "FROM ledger WHERE shop = ? ORDER BY rowid");
    stmt.bind(1, shop);
    MemberLine entry;
    int rc = SQLITE_ROW;
    while ((rc = stmt.step()) == SQLITE_ROW) {
      entry.member = std::string(stmt.text(0));
      FIDELIS_TRY(entry.line, read_line(stmt, 1));
      visit(entry);
    }
    if (rc != SQLITE_DONE) return storage_error("reading the ledger");
    return core::Ok{};
  }

  // The rowid of the member's last ledger line, if it has one.
  core::Result<std::optional<std::int64_t>> ledger_head(const std::string& shop,
                                                        const std::string& member) {
    auto& stmt = prepare("SELECT ledger_head FROM members WHERE shop = ? AND member = ?");
    stmt.reset().bind(1, shop).bind(2, member);
    const int rc = stmt.step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      stmt.reset();
      return storage_error("reading a member");
    }
    std::optional<std::int64_t> head;
    if (rc == SQLITE_ROW && !stmt.is_null(0)) head = stmt.integer(0);
    stmt.reset();
    return head;
  }

  core::Result<std::vector<std::string>> members_due(const std::string& shop, core::Timestamp until,
                                                     std::size_t limit) override {
    auto& stmt = prepare(
        "SELECT member FROM members WHERE shop = ? AND next_due IS NOT NULL AND next_due <= ? "
        "ORDER BY next_due, member LIMIT ?");
    stmt.reset().bind(1, shop).bind(2, until.micros).bind(3, static_cast<std::int64_t>(limit));
    return all<std::string>(
        stmt, [&]() -> core::Result<std::string> { return std::string(stmt.text(0)); });
  }

  core::Result<std::vector<StoredInput>> inputs(const std::string& shop, std::int64_t after_seq,
                                                std::size_t limit) override {
    auto& stmt = prepare(
        "SELECT seq, kind, event_id, type, member, at, body, personal_digest, program_version "
        "FROM inputs WHERE shop = ? AND seq > ? ORDER BY seq LIMIT ?");
    stmt.reset().bind(1, shop).bind(2, after_seq).bind(3, static_cast<std::int64_t>(limit));
    return all<StoredInput>(stmt, [&]() -> core::Result<StoredInput> { return read_input(stmt); });
  }

  core::Result<std::optional<Profile>> profile(const std::string& shop,
                                               const std::string& member) override {
    auto& stmt = prepare(
        "SELECT email, phone, name, birthday, updated_at, address FROM profiles WHERE shop = ? "
        "AND member = ?");
    stmt.reset().bind(1, shop).bind(2, member);
    return single<Profile>(stmt, [&] {
      Profile profile;
      profile.member = member;
      profile.email = stmt.optional_text(0);
      profile.phone = stmt.optional_text(1);
      profile.name = stmt.optional_text(2);
      profile.birthday = stmt.optional_text(3);
      profile.updated_at = core::Timestamp{stmt.integer(4)};
      profile.address = stmt.optional_text(5);
      return profile;
    });
  }

  core::Result<std::vector<std::string>> members_with_email(const std::string& shop,
                                                            const std::string& email) override {
    // SQLite's lower() folds ASCII letters only, as the search promises.
    auto& stmt = prepare(
        "SELECT member FROM profiles WHERE shop = ? AND lower(email) = lower(?) ORDER BY member");
    stmt.reset().bind(1, shop).bind(2, email);
    std::vector<std::string> members;
    int rc = SQLITE_ROW;
    while ((rc = stmt.step()) == SQLITE_ROW) members.emplace_back(stmt.text(0));
    if (rc != SQLITE_DONE) return storage_error("searching profiles by email");
    return members;
  }

  core::Status for_each_member(
      const std::string& shop,
      const std::function<void(const domain::MemberState&)>& visit) override {
    Statement stmt(db_, "SELECT state FROM members WHERE shop = ? ORDER BY member");
    stmt.bind(1, shop);
    int rc = SQLITE_ROW;
    while ((rc = stmt.step()) == SQLITE_ROW) {
      FIDELIS_TRY(const domain::MemberState state, decode_member(stmt.blob(0)));
      visit(state);
    }
    if (rc != SQLITE_DONE) return storage_error("reading members");
    return core::Ok{};
  }

  core::Status for_each_order(
      const std::string& shop,
      const std::function<void(const domain::OrderRecord&)>& visit) override {
    Statement stmt(db_, "SELECT record FROM orders WHERE shop = ? ORDER BY order_id");
    stmt.bind(1, shop);
    int rc = SQLITE_ROW;
    while ((rc = stmt.step()) == SQLITE_ROW) {
      FIDELIS_TRY(const domain::OrderRecord record, decode_order(stmt.blob(0)));
      visit(record);
    }
    if (rc != SQLITE_DONE) return storage_error("reading orders");
    return core::Ok{};
  }

  core::Result<std::optional<std::string>> code_owner(const std::string& shop,
                                                      const std::string& code) override {
    auto& stmt = prepare("SELECT member FROM codes WHERE shop = ? AND code = ?");
    stmt.reset().bind(1, shop).bind(2, code);
    return single<std::string>(stmt, [&] { return std::string(stmt.text(0)); });
  }

  core::Result<std::int64_t> reward_outstanding(const std::string& shop,
                                                const std::string& reward) override {
    auto& stmt = prepare("SELECT outstanding FROM reward_stock WHERE shop = ? AND reward = ?");
    stmt.reset().bind(1, shop).bind(2, reward);
    FIDELIS_TRY(const auto found, single<std::int64_t>(stmt, [&] { return stmt.integer(0); }));
    return found.value_or(0);
  }

  core::Status for_each_code(
      const std::string& shop,
      const std::function<void(std::string_view, std::string_view)>& visit) override {
    Statement stmt(db_, "SELECT code, member FROM codes WHERE shop = ? ORDER BY code");
    stmt.bind(1, shop);
    int rc = SQLITE_ROW;
    while ((rc = stmt.step()) == SQLITE_ROW) visit(stmt.text(0), stmt.text(1));
    if (rc != SQLITE_DONE) return storage_error("reading codes");
    return core::Ok{};
  }

  core::Status for_each_stock(
      const std::string& shop,
      const std::function<void(std::string_view, std::int64_t)>& visit) override {
    Statement stmt(db_,
                   "SELECT reward, outstanding FROM reward_stock WHERE shop = ? ORDER BY reward");
    stmt.bind(1, shop);
    int rc = SQLITE_ROW;
    while ((rc = stmt.step()) == SQLITE_ROW) visit(stmt.text(0), stmt.integer(1));
    if (rc != SQLITE_DONE) return storage_error("reading reward stock");
    return core::Ok{};
  }

  core::Status for_each_event_id(const std::string& shop,
                                 const std::function<void(std::string_view)>& visit) override {
    // Served by the index on event ids alone.
    return for_each_text("SELECT event_id FROM inputs WHERE shop = ? AND event_id IS NOT NULL",
                         shop, visit);
  }

  core::Status for_each_order_id(const std::string& shop,
                                 const std::function<void(std::string_view)>& visit) override {
    return for_each_text("SELECT order_id FROM orders WHERE shop = ?", shop, visit);
  }

  core::Status for_each_member_id(const std::string& shop,
                                  const std::function<void(std::string_view)>& visit) override {
    return for_each_text("SELECT member FROM members WHERE shop = ?", shop, visit);
  }

 private:
  core::Status for_each_text(const char* sql, const std::string& shop,
                             const std::function<void(std::string_view)>& visit) {
    Statement stmt(db_, sql);
    stmt.bind(1, shop);
    int rc = SQLITE_ROW;
    while ((rc = stmt.step()) == SQLITE_ROW) visit(stmt.text(0));
    if (rc != SQLITE_DONE) return storage_error("reading ids");
    return core::Ok{};
  }

  core::Error storage_error(std::string_view doing) {
    return core::make_error(ErrorCode::storage_error,
                            std::string(doing) + ": " + sqlite3_errmsg(db_));
  }

  // Switching a new database to WAL needs a lock that SQLite takes without calling the busy
  // handler, so a process creating the file at the same instant as another may get "database is
  // locked" at once (seen once in ~250 runs of the 8-connection test): wait and retry, within the
  // same 10 s the busy timeout allows.
  core::Status switch_to_wal() {
    constexpr int kWalAttemptsMax = 1000;  // × 10 ms
    for (int attempt = 1;; ++attempt) {
      const int rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
      if (rc == SQLITE_OK) return core::Ok{};
      if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt == kWalAttemptsMax) {
        return exec("PRAGMA journal_mode=WAL");  // reports the error as every statement does
      }
      sqlite3_sleep(10);
    }
  }

  core::Status exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message != nullptr ? message : "unknown error";
      sqlite3_free(message);
      return core::make_error(ErrorCode::storage_error,
                              std::string(sql).substr(0, 40) + ": " + text);
    }
    return core::Ok{};
  }

  Statement& prepare(const char* sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      it = statements_.emplace(sql, std::make_unique<Statement>(db_, sql)).first;
    }
    return *it->second;
  }

  template <typename T, typename Read>
  core::Result<std::optional<T>> single(Statement& stmt, Read read) {
    const int rc = stmt.step();
    if (rc == SQLITE_DONE) {
      stmt.reset();
      return std::optional<T>{};
    }
    if (rc != SQLITE_ROW) {
      auto error = storage_error("reading");
      stmt.reset();
      return error;
    }
    std::optional<T> value = read();
    stmt.reset();
    return value;
  }

  template <typename T, typename Read>
  core::Result<std::vector<T>> all(Statement& stmt, Read read) {
    std::vector<T> rows;
    int rc = SQLITE_ROW;
    while ((rc = stmt.step()) == SQLITE_ROW) {
      auto row = read();
      if (!row.ok()) {
        stmt.reset();
        return row.take_errors();
      }
      rows.push_back(std::move(row).value());
    }
    if (rc != SQLITE_DONE) {
      auto error = storage_error("reading");
      stmt.reset();
      return error;
    }
    stmt.reset();
    return rows;
  }

  static StoredInput read_input(Statement& stmt) {
    StoredInput input;
    input.seq = stmt.integer(0);
    input.kind = static_cast<InputKind>(stmt.integer(1));
    input.event_id = std::string(stmt.text(2));
    input.type = std::string(stmt.text(3));
    input.member = std::string(stmt.text(4));
    input.at = core::Timestamp{stmt.integer(5)};
    input.body = std::string(stmt.text(6));
    input.personal_digest = std::string(stmt.text(7));
    input.program_version = static_cast<int>(stmt.integer(8));
    return input;
  }

  void ensure_shop_secret(const std::string& shop) {
    auto& stmt = prepare("INSERT OR IGNORE INTO shops (shop, secret) VALUES (?, ?)");
    const std::string secret = core::random_hex(32);
    stmt.reset().bind(1, shop).bind(2, secret);
    (void)stmt.step();
    stmt.reset();
  }

  void forget_heads() {
    heads_.clear();
    heads_count_ = 0;
  }

  core::Status step_done(Statement& stmt, std::string_view doing) {
    const int rc = stmt.step();
    stmt.rewind();
    if (rc != SQLITE_DONE) return storage_error(doing);
    return core::Ok{};
  }

  // An UPDATE that changed nothing means the engine's view and the database disagree: stop
  // before anything is committed.
  // `kind` and `id` name the row in the error (the message is built only then: this runs for
  // every member and order written).
  core::Status check_one_row_changed(std::string_view kind, std::string_view id) {
    if (sqlite3_changes(db_) != 1) {
      return core::make_error(ErrorCode::storage_error,
                              std::string(kind) + " " + std::string(id) +
                                  ": the stored row is not the one the engine expected");
    }
    return core::Ok{};
  }

  core::Status write_batch(const Batch& batch) {
    if (!batch.new_shop_secret.empty()) {
      auto& stmt = prepare("INSERT OR IGNORE INTO shops (shop, secret) VALUES (?, ?)");
      stmt.reset().bind(1, batch.shop).bind(2, batch.new_shop_secret);
      FIDELIS_CHECK(step_done(stmt, "creating the shop"));
    }
    for (const auto& input : batch.inputs) {
      auto& stmt = prepare(
          "INSERT INTO inputs (shop, seq, kind, event_id, type, member, at, body, "
          "personal_digest, program_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      stmt.reset()
          .bind(1, batch.shop)
          .bind(2, input.seq)
          .bind(3, std::int64_t{static_cast<int>(input.kind)});
      if (input.kind == InputKind::event) {
        stmt.bind(4, input.event_id);
      } else {
        stmt.bind_null(4);
      }
      stmt.bind(5, input.type).bind(6, input.member).bind(7, input.at.micros).bind(8, input.body);
      stmt.bind(9, input.personal_digest).bind(10, std::int64_t{input.program_version});
      FIDELIS_CHECK(step_done(stmt, "writing the input log"));
    }
    // Lines first: each links to the member's previous line, and the member rows written next
    // point at their new last line.
    if (heads_count_ > kHeadsCacheMax) {
      forget_heads();
    }
    auto& shop_heads = heads_[batch.shop];
    // A member without a stored row has no stored lines: no head to look up (in a bulk ingest,
    // every member's first batch).
    for (const auto& write : batch.members) {
      if (write.is_new && shop_heads.try_emplace(write.state.member).second) ++heads_count_;
    }
    for (const auto& [member, line] : batch.lines) {
      auto [head, unknown] = shop_heads.try_emplace(member);
      if (unknown) {
        ++heads_count_;
        FIDELIS_TRY(head->second, ledger_head(batch.shop, member));
      }
      auto& stmt = prepare(
          "INSERT INTO ledger (shop, member, seq, at, kind, points, event, rule, lots, order_id, "
          "note, waived, available_after, pending_after, debt_after, prev, credit, credit_after) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      const std::string lots = encode_lots(line.lots);
      stmt.reset().bind(1, batch.shop).bind(2, member).bind(3, static_cast<std::int64_t>(line.seq));
      stmt.bind(4, line.at.micros).bind(5, std::int64_t{static_cast<int>(line.kind)});
      stmt.bind(6, line.points).bind(7, line.event).bind(8, line.rule).bind(9, lots);
      stmt.bind(10, line.order_id).bind(11, line.note).bind(12, line.waived);
      stmt.bind(13, line.available_after).bind(14, line.pending_after).bind(15, line.debt_after);
      if (head->second) {
        stmt.bind(16, *head->second);
      } else {
        stmt.bind_null(16);
      }
      stmt.bind(17, line.credit).bind(18, line.credit_after);
      FIDELIS_CHECK(step_done(stmt, "writing a ledger line"));
      head->second = sqlite3_last_insert_rowid(db_);
    }
    for (const auto& write : batch.members) {
      const domain::MemberState& state = write.state;
      auto& stmt = write.is_new ? prepare(
                                      "INSERT INTO members (state, next_due, ledger_head, shop, "
                                      "member) VALUES (?, ?, ?, ?, ?)")
                                : prepare(
                                      "UPDATE members SET state = ?, next_due = ?, "
                                      "ledger_head = coalesce(?, ledger_head) "
                                      "WHERE shop = ? AND member = ?");
      encode_member(state, buffer_);
      stmt.reset().bind_blob(1, buffer_);
      if (const auto due = state.next_due()) {
        stmt.bind(2, due->micros);
      } else {
        stmt.bind_null(2);
      }
      if (auto head = shop_heads.find(state.member); head != shop_heads.end() && head->second) {
        stmt.bind(3, *head->second);
      } else {
        stmt.bind_null(3);
      }
      stmt.bind(4, batch.shop).bind(5, state.member);
      FIDELIS_CHECK(step_done(stmt, "writing a member"));
      FIDELIS_CHECK(check_one_row_changed("member", state.member));
    }
    for (const auto& write : batch.orders) {
      auto& stmt = write.is_new
                       ? prepare("INSERT INTO orders (record, shop, order_id) VALUES (?, ?, ?)")
                       : prepare("UPDATE orders SET record = ? WHERE shop = ? AND order_id = ?");
      encode_order(write.record, buffer_);
      stmt.reset().bind_blob(1, buffer_).bind(2, batch.shop).bind(3, write.record.order_id);
      FIDELIS_CHECK(step_done(stmt, "writing an order"));
      FIDELIS_CHECK(check_one_row_changed("order", write.record.order_id));
    }
    for (const auto& profile : batch.profiles) {
      auto& stmt = prepare(
          "INSERT INTO profiles (shop, member, email, phone, name, birthday, updated_at, address) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (shop, member) DO UPDATE SET "
          "email = coalesce(excluded.email, email), phone = coalesce(excluded.phone, phone), "
          "name = coalesce(excluded.name, name), birthday = coalesce(excluded.birthday, birthday), "
          "address = coalesce(excluded.address, address), updated_at = excluded.updated_at");
      stmt.reset().bind(1, batch.shop).bind(2, profile.member).bind_optional(3, profile.email);
      stmt.bind_optional(4, profile.phone).bind_optional(5, profile.name);
      stmt.bind_optional(6, profile.birthday);
      stmt.bind(7, profile.updated_at.micros).bind_optional(8, profile.address);
      FIDELIS_CHECK(step_done(stmt, "writing a profile"));
    }
    for (const auto& key : batch.new_keys) {
      auto& stmt = prepare(
          "INSERT INTO api_keys (id, shop, scope, hash, created_at, rate) "
          "VALUES (?, ?, ?, ?, ?, ?)");
      stmt.reset().bind(1, key.id).bind(2, batch.shop).bind(3, key.scope).bind(4, key.hash);
      stmt.bind(5, key.created_at.micros);
      if (key.rate) {
        stmt.bind(6, *key.rate);
      } else {
        stmt.bind_null(6);
      }
      FIDELIS_CHECK(step_done(stmt, "writing an API key"));
    }
    for (const auto& record : batch.idempotency) {
      auto& stmt = prepare(
          "INSERT OR REPLACE INTO idempotency (shop, key, request_digest, status, content_type, "
          "body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
      stmt.reset().bind(1, batch.shop).bind(2, record.key).bind(3, record.request_digest);
      stmt.bind(4, std::int64_t{record.status}).bind(5, record.content_type).bind(6, record.body);
      stmt.bind(7, record.created_at.micros);
      FIDELIS_CHECK(step_done(stmt, "keeping an idempotent response"));
    }
    for (const auto& revocation : batch.revocations) {
      auto& stmt = prepare(
          "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND shop = ? AND revoked_at IS NULL");
      stmt.reset().bind(1, revocation.at.micros).bind(2, revocation.id).bind(3, batch.shop);
      FIDELIS_CHECK(step_done(stmt, "revoking an API key"));
    }
    for (const auto& code : batch.codes) {
      auto& stmt = prepare("INSERT INTO codes (shop, code, member) VALUES (?, ?, ?)");
      stmt.reset().bind(1, batch.shop).bind(2, code.code).bind(3, code.member);
      FIDELIS_CHECK(step_done(stmt, "writing a redemption code"));
    }
    for (const auto& stock : batch.stock) {
      auto& stmt = prepare(
          "INSERT INTO reward_stock (shop, reward, outstanding) VALUES (?, ?, ?) "
          "ON CONFLICT (shop, reward) DO UPDATE SET outstanding = excluded.outstanding");
      stmt.reset().bind(1, batch.shop).bind(2, stock.reward).bind(3, stock.outstanding);
      FIDELIS_CHECK(step_done(stmt, "writing a reward's stock"));
    }
    return core::Ok{};
  }

  core::Result<std::size_t> user_version() {
    auto& stmt = prepare("PRAGMA user_version");
    stmt.reset();
    if (stmt.step() != SQLITE_ROW) return storage_error("reading the schema version");
    const auto version = static_cast<std::size_t>(stmt.integer(0));
    stmt.reset();
    if (version > kMigrations.size()) {
      return core::make_error(ErrorCode::storage_error,
                              "the database has schema version " + std::to_string(version) +
                                  ", newer than this build knows (" +
                                  std::to_string(kMigrations.size()) + "): upgrade Fidelis");
    }
    return version;
  }

  // Each migration runs in a write transaction that first reads the version again: processes
  // opening a new database at the same time each see it migrated exactly once.
  core::Status migrate(std::size_t target) {
    const std::size_t wanted = std::min(target, kMigrations.size());
    FIDELIS_TRY(std::size_t version, user_version());
    while (version < wanted) {
      FIDELIS_CHECK(exec("BEGIN IMMEDIATE"));
      auto current = user_version();
      core::Status status = core::Ok{};
      if (!current.ok()) {
        status = current.take_errors();
      } else if (*current == version) {
        status = exec(kMigrations[version]);
        if (status.ok()) {
          status = exec(("PRAGMA user_version = " + std::to_string(version + 1)).c_str());
        }
      }
      if (status.ok()) status = exec("COMMIT");
      if (!status.ok()) {
        abort_write();
        return status;
      }
      FIDELIS_TRY(version, user_version());
    }
    return core::Ok{};
  }

  sqlite3* db_;
  std::map<const char*, std::unique_ptr<Statement>> statements_;
  std::string buffer_;  // reused for encoding blobs
  // Each member's last ledger line (rowid) as this connection last read or wrote it; valid while
  // no other connection writes (begin_write checks) and forgotten on rollback. By shop, then
  // member: a batch has one shop, so each line costs one lookup by the member alone.
  static constexpr std::size_t kHeadsCacheMax = 2'000'000;
  std::unordered_map<std::string, std::unordered_map<std::string, std::optional<std::int64_t>>>
      heads_;
  std::size_t heads_count_ = 0;
  std::int64_t data_version_ = -1;
};

}  // namespace

int sqlite_schema_version() { return static_cast<int>(kMigrations.size()); }

core::Result<std::unique_ptr<Store>> open_sqlite(const std::string& path, SqliteOptions options) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return core::make_error(ErrorCode::storage_error, "cannot open " + path + ": " + message);
  }
  auto store = std::make_unique<SqliteStore>(db);
  FIDELIS_CHECK(store->init(options));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace fidelis::store
