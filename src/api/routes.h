// Routing and the handlers of the API's routes, run on the worker thread.
#pragma once

#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "api/http/server.h"
#include "api/member_directory.h"
#include "engine/engine.h"
#include "store/store.h"

namespace fidelis::api {

// An Idempotency-Key seen for the first time: the response is kept with what it answers.
struct IdempotencyIntent {
  std::string key;
  std::string request_digest;
};

// Per-key token buckets (keys with a rate): `rate` requests a second, bursts of as many. Used by
// the worker thread alone.
class RateLimiter {
 public:
  // Takes one token; when there is none, the seconds to wait (at least 1).
  std::optional<std::int64_t> take(const std::string& key_id, std::int64_t rate);

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point last;
  };
  std::map<std::string, Bucket> buckets_;
};

// An API key as authentication knows it.
struct Key {
  std::string id;
  std::string shop;
  std::string scope;
  std::optional<std::int64_t> rate;
};
// Valid keys by the SHA-256 of the key, filled as they are used; the worker clears it whenever
// another process wrote to the database (a key may have been revoked).
using KeyCache = std::map<std::string, Key>;

// What is computed over a whole shop: answers (GET /v1/analytics/kpis, by shop, route and query),
// which depend on stored data only, and member directories (GET /v1/members, by shop), which
// also age (see member_directory.h). They hold until something writes: the worker clears them at
// every request that is not a GET, after every committed batch, and whenever another process
// wrote.
struct ShopAnswerCache {
  std::map<std::string, std::string> answers;
  std::map<std::string, std::shared_ptr<const MemberDirectory>> directories;
  void clear() {
    answers.clear();
    directories.clear();
  }
};

struct Context {
  engine::Engine& engine;
  store::Store& store;
  RateLimiter& limiter;
  KeyCache& keys;
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
