// What the HTTP threads may answer without the worker (docs/decisions/0020-member-read-cache.md):
// the valid API keys and the rendered answers of GET /v1/members/{id}, shared between the worker,
// which fills them, and the HTTP threads, which read them.
//
// Never stale: every entry carries the generation it was computed in, and only entries of the
// current generation are served. The generation moves on (and the cache empties) before the
// worker commits anything, before it runs a request that may write, and whenever an HTTP thread's
// own connection sees that the database changed (the worker's commits, or another process: the
// CLI revoking a key, ingesting events). The worker reads the generation before it looks for
// changes, so what it computed from data read before a change is dropped, not kept.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/store.h"

namespace fidelis::api {

// An API key as authentication knows it.
struct Key {
  std::string id;
  std::string shop;
  std::string scope;
  std::optional<std::int64_t> rate;
};

// Bounds the rendered member answers kept (bytes of bodies): past it the cache starts afresh.
inline constexpr std::size_t kReadCacheBytesMax = std::size_t{256} << 20;

class ReadCache {
 public:
  using Generation = std::uint64_t;

  Generation generation() const { return generation_.load(std::memory_order_acquire); }
  // Drops everything; entries computed before are refused from now on.
  void invalidate();

  std::optional<Key> key(const std::string& hash) const;
  // Keeps a valid key, if `computed_in` is still the current generation.
  void put_key(const std::string& hash, const Key& key, Generation computed_in);

  // The kept 200 answer of GET /v1/members/{member} in `shop`.
  std::optional<std::string> member(std::string_view shop, std::string_view member) const;
  void put_member(std::string_view shop, std::string_view member, std::string body,
                  Generation computed_in);

 private:
  static std::string member_key(std::string_view shop, std::string_view member);

  mutable std::shared_mutex mutex_;
  std::atomic<Generation> generation_{1};
  std::unordered_map<std::string, Key> keys_;
  std::unordered_map<std::string, std::string> members_;  // by shop '\0' member
  std::size_t member_bytes_ = 0;
};

// Connections of the HTTP threads to the database, used only to ask whether it changed since
// that connection last looked (SQLite's data_version: a read of shared memory, no I/O).
class ChangeWatch {
 public:
  explicit ChangeWatch(std::string db_path) : db_path_(std::move(db_path)) {}
  // Whether `cache` may answer now: false when the database changed since the connection used
  // last looked, or when that cannot be told (an error, a connection opened now: it knows no
  // earlier state). The cache is then invalidated before the connection is used again, so that
  // no later look can miss the change.
  bool fresh(ReadCache& cache);

 private:
  std::string db_path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<store::Store>> idle_;
};

}  // namespace fidelis::api
