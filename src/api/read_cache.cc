#include "api/read_cache.h"

namespace fidelis::api {

void ReadCache::drop(bool keys_too) {
  std::unique_lock lock(mutex_);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  if (keys_too) keys_.clear();
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

std::optional<std::string> ReadCache::member(std::string_view shop, std::string_view member) const {
  std::shared_lock lock(mutex_);
  const auto in_shop = members_.find(shop);
  if (in_shop == members_.end()) return std::nullopt;
  const auto it = in_shop->second.find(member);
  if (it == in_shop->second.end()) return std::nullopt;
  return it->second;
}

void ReadCache::put_member(std::string_view shop, std::string_view member, std::string body,
                           Generation computed_in) {
  const std::size_t size = body.size();
  std::unique_lock lock(mutex_);
  if (computed_in != generation()) return;
  if (member_bytes_ + size > kReadCacheBytesMax) {
    members_.clear();
    member_bytes_ = 0;
  }
  auto in_shop = members_.find(shop);
  if (in_shop == members_.end())
    in_shop = members_.emplace(std::string(shop), core::TextMap<std::string>()).first;
  if (in_shop->second.try_emplace(std::string(member), std::move(body)).second) {
    member_bytes_ += size;
  }
}

bool ChangeWatch::fresh(ReadCache& cache) {
  std::unique_ptr<store::WalWatch> watch;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      watch = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  const bool fresh = watch != nullptr && watch->unchanged();
  // A new watch starts before the invalidation: a commit it cannot see came before that, and
  // whatever was computed from the data before that commit is refused from then on.
  if (watch == nullptr || watch->broken()) watch = store::WalWatch::open(db_path_);
  if (!fresh) cache.invalidate();
  if (watch != nullptr) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(watch));
  }
  return fresh;
}

}  // namespace fidelis::api
