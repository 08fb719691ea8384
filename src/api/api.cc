// The API's worker: every request is queued to one thread that owns the store connection and the
// engine. It takes what is queued at once, answers reads, applies the event posts in one batch,
// commits, then answers them (a 2xx only once durable). Member reads the worker has answered
// before are answered again on the HTTP threads, from the read cache, while nothing changed.
#include "api/api.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "api/metrics.h"
#include "api/openapi.h"
#include "api/problem.h"
#include "api/routes.h"
#include "api/static_files.h"
#include "core/digest.h"
#include "engine/engine.h"
#include "store/sqlite/sqlite_store.h"

namespace fidelis::api {
namespace {

struct Job {
  http::Request request;
  http::Respond respond;
};

class WorkerApi final : public Api {
 public:
  WorkerApi(ApiOptions options, std::unique_ptr<store::Store> store, StaticFiles pages)
      : options_(std::move(options)),
        pages_(std::move(pages)),
        store_(std::move(store)),
        engine_(*store_),
        watch_(options_.db_path) {
    worker_ = std::thread([this] { work(); });
  }
  ~WorkerApi() override { stop(); }

  void handle(http::Request&& request, http::Respond plain_respond) override {
    // Every answer is counted by route and status, with its latency.
    const auto started = std::chrono::steady_clock::now();
    // Member reads the read cache holds are answered first: nothing else here concerns them.
    if (!stopping_reads_.load(std::memory_order_acquire)) {
      auto cached = answer_from_cache(cache_, watch_, limiter_, request);
      if (cached.looked) metrics_.read_cache(cached.response.has_value());
      if (cached.response) {
        static const std::string kRoute = "/v1/members/{}";
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        metrics_.request(kRoute, cached.response->status, took.count());
        return plain_respond(std::move(*cached.response));
      }
    }
    http::Respond respond = [this, route = route_name(request), started,
                             plain_respond = std::move(plain_respond)](http::Response response) {
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
      metrics_.request(route, response.status, took.count());
      plain_respond(std::move(response));
    };
    if (request.path == "/healthz") return respond(json(200, R"({"status":"ok"})"));
    if (request.path == "/v1/openapi.json") return respond(json(200, std::string(openapi_json())));
    if (request.path == "/metrics") {
      http::Response metrics;
      metrics.content_type = "text/plain; version=0.0.4";
      metrics.body = metrics_.render();
      return respond(std::move(metrics));
    }
    // The front end's files, answered here on the HTTP thread: they need no store.
    if (request.method == "GET" && !request.path.starts_with("/v1/")) {
      if (auto page = pages_.answer(request.path)) return respond(std::move(*page));
    }
    if (request.path == "/readyz") {
      return respond(ready() ? json(200, R"({"status":"ready"})")
                             : problem(core::ErrorCode::unavailable, "not ready"));
    }
    {
      std::lock_guard lock(mutex_);
      if (!stopping_) {
        queue_.push_back({std::move(request), std::move(respond)});
        wake_.notify_one();
        return;
      }
    }
    respond(problem(core::ErrorCode::unavailable, "the server is shutting down"));
  }

  void stop() override {
    stopping_reads_.store(true, std::memory_order_release);
    {
      std::lock_guard lock(mutex_);
      if (stopping_ && !worker_.joinable()) return;
      stopping_ = true;
      wake_.notify_one();
    }
    if (worker_.joinable()) worker_.join();
  }

  bool ready() const override { return ready_; }

 private:
  void work() {
    ready_ = true;
    for (;;) {
      std::deque<Job> jobs;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) break;  // stopping, and everything answered
        const std::size_t take = std::min(queue_.size(), options_.batch_max);
        jobs.insert(jobs.end(), std::make_move_iterator(queue_.begin()),
                    std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(take)));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
      }
      run(jobs);
    }
    ready_ = false;
  }

  // Reads are answered at once; event posts join the batch, answered after the commit.
  void run(std::deque<Job>& jobs) {
    // Read before looking for changes: what this run computes is kept only if nothing changed
    // since (read_cache.h).
    ReadCache::Generation generation = cache_.generation();
    // Another process may have written (the CLI revoking a key, ingesting events): start afresh.
    if (auto changed = engine_.refresh_if_changed(); !changed.ok() || *changed) {
      cache_.invalidate();
      generation = cache_.generation();
      shop_answers_.clear();
    }
    std::vector<PendingEvent> events;
    for (auto& job : jobs) {
      // Anything but a read may write: whole-shop answers and kept reads are computed afresh
      // after it.
      if (job.request.method != "GET") {
        shop_answers_.clear();
        cache_.invalidate_members();
        generation = cache_.generation();
      }
      Context context{engine_, *store_, limiter_, cache_, generation, shop_answers_};
      auto routed = route(context, job.request);
      if (auto* response = std::get_if<http::Response>(&routed)) {
        job.respond(std::move(*response));
      } else {
        auto& event = std::get<PendingEvent>(routed);
        event.respond = std::move(job.respond);
        events.push_back(std::move(event));
      }
    }
    if (events.empty()) return;
    // Before the commit: once it is durable, no kept read from before it may be answered.
    cache_.invalidate_members();
    if (auto begun = engine_.begin_batch(); !begun.ok()) {
      for (auto& event : events) event.respond(problem(begun.errors()));
      return;
    }
    // Each answer is known before the commit, so that a kept idempotent answer is durable with
    // its event; it is sent only after.
    std::vector<http::Response> responses;
    responses.reserve(events.size());
    std::size_t accepted = 0;
    for (auto& event : events) {
      std::vector<engine::SubmitResult> results;
      for (const auto& body : event.bodies) {
        results.push_back(engine_.submit(body, event.shop, event.shop));
        accepted += results.back().outcome == engine::Outcome::accepted ? 1 : 0;
      }
      responses.push_back(event_response(event, results));
      keep_response(engine_, event.shop, event.idempotency, responses.back());
    }
    const auto committed = engine_.commit_batch();
    shop_answers_.clear();  // a read earlier in this run saw the store without the batch
    if (committed.ok()) {
      metrics_.batch(events.size(), accepted);
    } else {
      metrics_.store_error();
    }
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (!committed.ok()) {
        events[i].respond(problem(core::ErrorCode::unavailable,
                                  "the batch could not be made durable: " +
                                      committed.error().message + "; nothing was kept, retry"));
      } else {
        events[i].respond(std::move(responses[i]));
      }
    }
  }

  ApiOptions options_;
  const StaticFiles pages_;
  Metrics metrics_;
  RateLimiter limiter_;
  ReadCache cache_;
  ShopAnswerCache shop_answers_;
  std::unique_ptr<store::Store> store_;
  engine::Engine engine_;
  ChangeWatch watch_;
  std::thread worker_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::atomic<bool> stopping_reads_{false};  // stop(): the HTTP threads no longer answer reads
  std::atomic<bool> ready_{false};
};

}  // namespace

core::Result<std::unique_ptr<Api>> Api::open(const ApiOptions& options) {
  StaticFiles pages;
  if (!options.web_root.empty()) {
    FIDELIS_TRY(pages, StaticFiles::load(options.web_root));
  }
  FIDELIS_TRY(auto store, store::open_sqlite(options.db_path));
  return std::unique_ptr<Api>(
      std::make_unique<WorkerApi>(options, std::move(store), std::move(pages)));
}

}  // namespace fidelis::api
