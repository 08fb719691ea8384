// MemoryStore: ordered maps per table, keyed like the SQLite tables.
#include "store/memory/memory_store.h"

#include <algorithm>

#include <map>
#include <type_traits>
#include <utility>

#include "core/digest.h"

namespace fidelis::store {
namespace {

class MemoryStore final : public Store {
 public:
  core::Result<bool> begin_write() override { return false; }

  core::Status commit_write(const std::vector<Batch>& batches) override { return write(batches); }

  core::Status commit_write_consuming(std::vector<Batch>& batches) override {
    return write(batches);
  }

  void abort_write() override {}

  core::Result<std::optional<std::string>> shop_secret(const std::string& shop) override {
    return find(secrets_, shop);
  }

  core::Result<std::vector<std::string>> shops() override {
    std::vector<std::string> names;
    for (const auto& [shop, secret] : secrets_) names.push_back(shop);
    return names;
  }

  core::Result<std::vector<ProgramVersion>> programs(const std::string& shop) override {
    return programs_[shop];
  }

  core::Status add_program(const std::string& shop, const ProgramVersion& version) override {
    secrets_.emplace(shop, core::random_hex(32));
    programs_[shop].push_back(version);
    return core::Ok{};
  }

  core::Result<std::optional<domain::MemberState>> member(const std::string& shop,
                                                          const std::string& member) override {
    return find(members_, Key{shop, member});
  }

  core::Result<std::optional<domain::OrderRecord>> order(const std::string& shop,
                                                         const std::string& order_id) override {
    return find(orders_, Key{shop, order_id});
  }

  core::Result<std::optional<StoredInput>> event(const std::string& shop,
                                                 const std::string& event_id) override {
    const auto seq = event_seq_.find({shop, event_id});
    if (seq == event_seq_.end()) return std::optional<StoredInput>{};
    return std::optional<StoredInput>(inputs_.at({shop, seq->second}));
  }

  core::Result<std::int64_t> last_seq(const std::string& shop) override {
    auto it = inputs_.lower_bound({shop, INT64_MAX});
    if (it == inputs_.begin()) return std::int64_t{0};
    --it;
    return it->first.first == shop ? it->first.second : std::int64_t{0};
  }

  core::Result<std::vector<domain::LedgerLine>> ledger(const std::string& shop,
                                                       const std::string& member,
                                                       std::uint64_t after_seq,
                                                       std::size_t limit) override {
    std::vector<domain::LedgerLine> lines;
    const auto it = ledger_.find({shop, member});
    if (it == ledger_.end()) return lines;
    for (auto line = it->second.upper_bound(after_seq);
         line != it->second.end() && lines.size() < limit; ++line) {
      lines.push_back(line->second);
    }
    return lines;
  }

  core::Result<std::vector<std::string>> members_due(const std::string& shop, core::Timestamp until,
                                                     std::size_t limit) override {
    std::vector<std::pair<core::Timestamp, std::string>> due;
    for (auto it = members_.lower_bound({shop, ""});
         it != members_.end() && it->first.first == shop; ++it) {
      if (const auto at = it->second.next_due(); at && *at <= until)
        due.emplace_back(*at, it->first.second);
    }
    std::sort(due.begin(), due.end());
    std::vector<std::string> names;
    for (std::size_t i = 0; i < due.size() && i < limit; ++i) names.push_back(due[i].second);
    return names;
  }

  core::Result<std::vector<StoredInput>> inputs(const std::string& shop, std::int64_t after_seq,
                                                std::size_t limit) override {
    std::vector<StoredInput> rows;
    for (auto it = inputs_.upper_bound({shop, after_seq});
         it != inputs_.end() && it->first.first == shop && rows.size() < limit; ++it) {
      rows.push_back(it->second);
    }
    return rows;
  }

  core::Result<std::optional<Profile>> profile(const std::string& shop,
                                               const std::string& member) override {
    return find(profiles_, Key{shop, member});
  }

  core::Result<std::vector<std::string>> members_with_email(const std::string& shop,
                                                            const std::string& email) override {
    const auto fold = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    const auto same = [&](const std::string& a) {
      return a.size() == email.size() &&
             std::equal(a.begin(), a.end(), email.begin(),
                        [&](char x, char y) { return fold(x) == fold(y); });
    };
    std::vector<std::string> members;
    for (auto it = profiles_.lower_bound({shop, ""});
         it != profiles_.end() && it->first.first == shop; ++it) {
      if (it->second.email && same(*it->second.email)) members.push_back(it->first.second);
    }
    return members;
  }

  core::Status for_each_member(
      const std::string& shop,
      const std::function<void(const domain::MemberState&)>& visit) override {
    for (auto it = members_.lower_bound({shop, ""});
         it != members_.end() && it->first.first == shop; ++it) {
      visit(it->second);
    }
    return core::Ok{};
  }

  core::Status for_each_line(const std::string& shop,
                             const std::function<void(const MemberLine&)>& visit) override {
    MemberLine entry;
    for (auto it = ledger_.lower_bound({shop, ""}); it != ledger_.end() && it->first.first == shop;
         ++it) {
      entry.member = it->first.second;
      for (const auto& [seq, line] : it->second) {
        entry.line = line;
        visit(entry);
      }
    }
    return core::Ok{};
  }

  core::Status for_each_order(
      const std::string& shop,
      const std::function<void(const domain::OrderRecord&)>& visit) override {
    for (auto it = orders_.lower_bound({shop, ""}); it != orders_.end() && it->first.first == shop;
         ++it) {
      visit(it->second);
    }
    return core::Ok{};
  }

  core::Status for_each_event_id(const std::string& shop,
                                 const std::function<void(std::string_view)>& visit) override {
    return visit_ids(event_seq_, shop, visit);
  }

  core::Result<std::optional<ApiKey>> key_by_hash(const std::string& hash) override {
    for (const auto& [id, key] : keys_) {
      if (key.hash == hash) return std::optional<ApiKey>(key);
    }
    return std::optional<ApiKey>();
  }

  core::Result<bool> changed_by_others() override { return false; }  // one process, one store

  core::Result<std::optional<IdempotencyRecord>> idempotency(const std::string& shop,
                                                             const std::string& key) override {
    return find(idempotency_, Key{shop, key});
  }

  core::Result<std::vector<ApiKey>> keys(const std::string& shop) override {
    std::vector<ApiKey> found;
    for (const auto& [id, key] : keys_) {
      if (key.shop == shop) found.push_back(key);
    }
    return found;
  }

  core::Result<std::optional<std::string>> code_owner(const std::string& shop,
                                                      const std::string& code) override {
    return find(codes_, Key{shop, code});
  }

  core::Result<std::int64_t> reward_outstanding(const std::string& shop,
                                                const std::string& reward) override {
    return find(stock_, Key{shop, reward}).value_or(0);
  }

  core::Status for_each_code(
      const std::string& shop,
      const std::function<void(std::string_view, std::string_view)>& visit) override {
    for (auto it = codes_.lower_bound({shop, ""}); it != codes_.end() && it->first.first == shop;
         ++it) {
      visit(it->first.second, it->second);
    }
    return core::Ok{};
  }

  core::Status for_each_stock(
      const std::string& shop,
      const std::function<void(std::string_view, std::int64_t)>& visit) override {
    for (auto it = stock_.lower_bound({shop, ""}); it != stock_.end() && it->first.first == shop;
         ++it) {
      visit(it->first.second, it->second);
    }
    return core::Ok{};
  }

  core::Status for_each_order_id(const std::string& shop,
                                 const std::function<void(std::string_view)>& visit) override {
    return visit_ids(orders_, shop, visit);
  }

  core::Status for_each_member_id(const std::string& shop,
                                  const std::function<void(std::string_view)>& visit) override {
    return visit_ids(members_, shop, visit);
  }

 private:
  // Visits the second half of each key (the id) of `map`'s entries for `shop`.
  template <typename Map>
  static core::Status visit_ids(const Map& map, const std::string& shop,
                                const std::function<void(std::string_view)>& visit) {
    for (auto it = map.lower_bound({shop, ""}); it != map.end() && it->first.first == shop; ++it) {
      visit(it->first.second);
    }
    return core::Ok{};
  }

  // Checks, then applies. `Batches` is const for commit_write (copies) and not for
  // commit_write_consuming, which moves inputs, lines and orders out (never the member writes).
  template <typename Batches>
  core::Status write(Batches& batches) {
    // Check before changing anything, so that a failed batch leaves the store as it was.
    for (const auto& batch : batches) {
      for (const auto& input : batch.inputs) {
        if (inputs_.count({batch.shop, input.seq}) != 0 ||
            (input.kind == InputKind::event &&
             event_seq_.count({batch.shop, input.event_id}) != 0)) {
          return core::make_error(core::ErrorCode::storage_error, "input already stored");
        }
      }
    }
    for (auto& batch : batches) {
      if (!batch.new_shop_secret.empty()) secrets_.emplace(batch.shop, batch.new_shop_secret);
      for (auto& input : batch.inputs) {
        if (input.kind == InputKind::event) event_seq_[{batch.shop, input.event_id}] = input.seq;
        inputs_[{batch.shop, input.seq}] = take(input);
      }
      for (const auto& write : batch.members)
        members_[{batch.shop, write.state.member}] = write.state;
      for (auto& [member, line] : batch.lines) ledger_[{batch.shop, member}][line.seq] = take(line);
      for (auto& write : batch.orders)
        orders_[{batch.shop, write.record.order_id}] = take(write.record);
      for (const auto& change : batch.profiles) {
        Profile& profile = profiles_[{batch.shop, change.member}];
        profile.member = change.member;
        if (change.email) profile.email = change.email;
        if (change.phone) profile.phone = change.phone;
        if (change.name) profile.name = change.name;
        if (change.birthday) profile.birthday = change.birthday;
        if (change.address) profile.address = change.address;
        profile.updated_at = change.updated_at;
      }
      for (const auto& code : batch.codes) codes_[{batch.shop, code.code}] = code.member;
      for (ApiKey key : batch.new_keys) {
        key.shop = batch.shop;
        keys_[key.id] = key;
      }
      for (const auto& record : batch.idempotency) idempotency_[{batch.shop, record.key}] = record;
      for (const auto& revocation : batch.revocations) {
        auto it = keys_.find(revocation.id);
        if (it != keys_.end() && it->second.shop == batch.shop && !it->second.revoked_at) {
          it->second.revoked_at = revocation.at;
        }
      }
      for (const auto& stock : batch.stock) stock_[{batch.shop, stock.reward}] = stock.outstanding;
    }
    return core::Ok{};
  }

  template <typename T>
  static decltype(auto) take(T& value) {
    if constexpr (std::is_const_v<T>) {
      return value;
    } else {
      return std::move(value);
    }
  }

  using Key = std::pair<std::string, std::string>;

  template <typename Map, typename K>
  static std::optional<typename Map::mapped_type> find(const Map& map, const K& key) {
    const auto it = map.find(key);
    if (it == map.end()) return std::nullopt;
    return it->second;
  }

  std::map<std::string, std::string> secrets_;
  std::map<std::string, std::vector<ProgramVersion>> programs_;
  std::map<std::pair<std::string, std::int64_t>, StoredInput> inputs_;
  std::map<Key, std::int64_t> event_seq_;
  std::map<Key, domain::MemberState> members_;
  std::map<Key, std::map<std::uint64_t, domain::LedgerLine>> ledger_;
  std::map<Key, domain::OrderRecord> orders_;
  std::map<Key, Profile> profiles_;
  std::map<Key, std::string> codes_;
  std::map<std::string, ApiKey> keys_;  // by id
  std::map<Key, IdempotencyRecord> idempotency_;
  std::map<Key, std::int64_t> stock_;
};

}  // namespace

std::unique_ptr<Store> make_memory_store() { return std::make_unique<MemoryStore>(); }

}  // namespace fidelis::store
