#include "api/read_cache.h"

#include "store/sqlite/sqlite_store.h"

namespace fidelis::api {

void ReadCache::invalidate() {
  std::unique_lock lock(mutex_);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  keys_.clear();
  members_.clear();
  member_bytes_ = 0;
}

std::optional<Key> ReadCache::key(const std::string& hash) const {
  std::shared_lock lock(mutex_);
  const auto it = keys_.find(hash);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

void ReadCache::put_key(const std::string& hash, const Key& key, Generation computed_in) {
  std::unique_lock lock(mutex_);
  // Under the lock: invalidate() moves the generation under it too, so an entry computed
  // before an invalidation can never be kept after it.
  if (computed_in != generation()) return;
  keys_.insert_or_assign(hash, key);
}

std::string ReadCache::member_key(std::string_view shop, std::string_view member) {
  std::string key;
  key.reserve(shop.size() + 1 + member.size());
  key.append(shop).push_back('\0');
  key.append(member);
  return key;
}

std::optional<std::string> ReadCache::member(std::string_view shop, std::string_view member) const {
  const std::string wanted = member_key(shop, member);
  std::shared_lock lock(mutex_);
  const auto it = members_.find(wanted);
  if (it == members_.end()) return std::nullopt;
  return it->second;
}

void ReadCache::put_member(std::string_view shop, std::string_view member, std::string body,
                           Generation computed_in) {
  std::string key = member_key(shop, member);
  const std::size_t size = body.size();
  std::unique_lock lock(mutex_);
  if (computed_in != generation()) return;
  if (member_bytes_ + size > kReadCacheBytesMax) {
    members_.clear();
    member_bytes_ = 0;
  }
  if (members_.try_emplace(std::move(key), std::move(body)).second) member_bytes_ += size;
}

bool ChangeWatch::fresh(ReadCache& cache) {
  std::unique_ptr<store::Store> connection;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  bool fresh = false;
  if (connection) {
    const auto changed = connection->changed_by_others();
    fresh = changed.ok() && !*changed;
  } else if (auto opened = store::open_sqlite(db_path_); opened.ok()) {
    connection = std::move(*opened);
  }
  if (!fresh) cache.invalidate();
  if (connection) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  return fresh;
}

}  // namespace fidelis::api
