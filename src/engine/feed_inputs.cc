#include "engine/feed_inputs.h"

#include <utility>

namespace fidelis::engine {
namespace {

// Events per batch (one transaction of the target store).
constexpr std::size_t kFeedBatchMax = 10'000;

}  // namespace

InputFeeder::InputFeeder(Engine& engine, std::string shop, FeedOptions options,
                         RefusedInput refused)
    : engine_(engine),
      shop_(std::move(shop)),
      options_(std::move(options)),
      refused_(std::move(refused)) {}

core::Status InputFeeder::feed(const store::StoredInput& input) {
  if (stopped_ || (options_.to && input.at >= *options_.to)) return core::Ok{};
  ++fed_;
  if (input.kind == store::InputKind::tick) {
    if (engine_.in_batch()) FIDELIS_CHECK(engine_.commit_batch());
    FIDELIS_TRY(const TickResult ticked,
                engine_.tick(shop_, input.at, options_.by_time ? 0 : input.program_version));
    (void)ticked;
    return core::Ok{};
  }
  if (!engine_.in_batch()) FIDELIS_CHECK(engine_.begin_batch());
  const auto applied = engine_.apply_stored(shop_, input, options_.by_time);
  if (!applied.ok()) stopped_ = !refused_(input, applied.error());
  if (engine_.batch_events() >= kFeedBatchMax) FIDELIS_CHECK(engine_.commit_batch());
  return core::Ok{};
}

core::Result<std::size_t> InputFeeder::finish() {
  if (engine_.in_batch()) FIDELIS_CHECK(engine_.commit_batch());
  return fed_;
}

core::Result<std::size_t> feed_inputs(Engine& engine, store::Store& live, const std::string& shop,
                                      const FeedOptions& options, const RefusedInput& refused) {
  InputFeeder feeder(engine, shop, options, refused);
  FIDELIS_CHECK(store::for_each_input(
      live, shop, [&](const store::StoredInput& input) { return feeder.feed(input); }));
  return feeder.finish();
}

}  // namespace fidelis::engine
