// What the HTTP threads may answer without the worker (docs/decisions/0020-member-read-cache.md):
// the valid API keys and the rendered answers of GET /v1/members/{id}, shared between the worker,
// which fills them, and the HTTP threads, which read them.
//
// Never stale: every entry carries the generation it was computed in, and only entries of the
// current generation are served. The generation moves on (and the member answers go) before the
// worker commits anything and before it runs a request that may write; it moves on and the
// cache empties whenever the worker sees another process's write and whenever an HTTP thread's
// watch of the write-ahead log sees a write (the worker's commits, or another process: the CLI
// revoking a key, ingesting events). The worker reads the generation before it looks for
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

#include "core/text_map.h"
#include "store/sqlite/wal_watch.h"

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
  // Drops everything; entries computed before are refused from now on. For any change the
  // worker did not make itself (keys change only through the CLI, another process).
  void invalidate() { drop(true); }
  // Drops the member answers only: the worker's own writes (events, redemptions, programs)
  // change members, never keys.
  void invalidate_members() { drop(false); }

  std::optional<Key> key(const std::string& hash) const;
  // Keeps a valid key, if `computed_in` is still the current generation.
  void put_key(const std::string& hash, const Key& key, Generation computed_in);

  // The kept 200 answer of GET /v1/members/{member} in `shop`.
  std::optional<std::string> member(std::string_view shop, std::string_view member) const;
  void put_member(std::string_view shop, std::string_view member, std::string body,
                  Generation computed_in);

 private:
  void drop(bool keys_too);
  mutable std::shared_mutex mutex_;
  std::atomic<Generation> generation_{1};
  std::unordered_map<std::string, Key> keys_;
  core::TextMap<core::TextMap<std::string>> members_;  // rendered bodies by shop, then member
  std::size_t member_bytes_ = 0;
};

// Watches of the database's write-ahead log for the HTTP threads (store/sqlite/wal_watch.h: no
// transaction, one non-blocking read per look), each used by one thread at a time.
class ChangeWatch {
 public:
  explicit ChangeWatch(std::string db_path) : db_path_(std::move(db_path)) {}
  // Whether `cache` may answer now: false when the database may have changed since the watch
  // used last looked, or when that cannot be told (a watch opened now knows no earlier state; a
  // watch that broke). The cache is then invalidated before the watch is used again, so that no
  // later look can miss the change.
  bool fresh(ReadCache& cache);

 private:
  std::string db_path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<store::WalWatch>> idle_;
};

}  // namespace fidelis::api
