// Routing and the handlers of the API's routes, run on the worker thread.
#pragma once

#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "analytics/orders/order_readers.h"
#include "api/http/server.h"
#include "api/member_directory.h"
#include "api/read_cache.h"
#include "engine/engine.h"
#include "store/store.h"

namespace fidelis::api {

// An Idempotency-Key seen for the first time: the response is kept with what it answers.
struct IdempotencyIntent {
  std::string key;
  std::string request_digest;
};

// Per-key token buckets (keys with a rate): `rate` requests a second, bursts of as many. Used by
// the worker and the HTTP threads (answers from the read cache).
class RateLimiter {
 public:
  // Takes one token; when there is none, the seconds to wait (at least 1).
  std::optional<std::int64_t> take(const std::string& key_id, std::int64_t rate);

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point last;
  };
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

// What is computed over a whole shop: answers (GET /v1/analytics/kpis, by shop, route and query),
// which depend on stored data only, and member directories (GET /v1/members, by shop), which
// also age (see member_directory.h). They hold until something writes: the worker clears them at
// every request that is not a GET, after every committed batch, and whenever another process
// wrote.
struct ShopAnswerCache {
  std::map<std::string, std::string> answers;
  std::map<std::string, std::shared_ptr<const MemberDirectory>> directories;
  // The shop's orders as the analytics read them (by shop): every answer above starts from them,
  // whatever its period.
  std::map<std::string, std::shared_ptr<const analytics::OrdersRead>> orders;
  void clear() {
    answers.clear();
    directories.clear();
    orders.clear();
  }
};

struct Context {
  engine::Engine& engine;
  store::Store& store;
  RateLimiter& limiter;
  // Valid keys and rendered member answers, kept for the HTTP threads (read_cache.h); what the
  // worker computes is kept only if `generation` is still the cache's.
  ReadCache& cache;
  ReadCache::Generation generation;
  ShopAnswerCache& shop_answers;
  std::optional<IdempotencyIntent> idempotency = {};  // set by route()
};

// Event posts to apply in the worker's next batch, for the key's shop: one event, or the items
// of POST /v1/events:batch (answered together, item by item).
struct PendingEvent {
  std::string shop;
  std::vector<std::string> bodies;
  http::Respond respond;
  std::optional<IdempotencyIntent> idempotency;
  bool is_batch = false;
};

// Adds `response` to the open batch as the kept answer of `intent` (5xx answers are not kept:
// a retry should try again).
void keep_response(engine::Engine& engine, const std::string& shop,
                   const std::optional<IdempotencyIntent>& intent, const http::Response& response);

// Authenticates and routes a request: a response now, or an event post for the batch.
std::variant<http::Response, PendingEvent> route(Context& context, http::Request& request);

// On an HTTP thread: the answer to GET /v1/members/{id} from the read cache, when it holds the
// key and the member and the database has not changed (`watch`); otherwise the worker answers.
// Rate limits apply as in route().
struct CachedAnswer {
  bool looked = false;  // the request was a member read with a key: the cache was asked
  std::optional<http::Response> response;
};
CachedAnswer answer_from_cache(ReadCache& cache, ChangeWatch& watch, RateLimiter& limiter,
                               const http::Request& request);

// A token that lets a storefront key read (and redeem for) `member` for `seconds`, as
// POST /v1/member-tokens mints it: "mt_" HEX(member) "." EXPIRES "." HMAC-SHA-256 by the
// shop's secret.
struct MemberToken {
  std::string token;
  core::Timestamp expires_at;
};
core::Result<MemberToken> mint_member_token(engine::Engine& engine, const std::string& shop,
                                            const std::string& member, std::int64_t seconds);

// Every route as "METHOD /v1/members/{}" (the OpenAPI document must list them all).
std::vector<std::string> route_list();

// The route pattern a request matches, for metrics ("/v1/members/{}"), or "unmatched".
std::string route_name(const http::Request& request);

// The answer to an event post once its batch is durable: one result, or a batch's results.
http::Response event_response(const PendingEvent& event,
                              const std::vector<engine::SubmitResult>& results);

}  // namespace fidelis::api
