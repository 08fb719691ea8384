#include "engine/feed_inputs.h"

namespace fidelis::engine {
namespace {

// Events per batch (one transaction of the target store).
constexpr std::size_t kFeedBatchMax = 10'000;

}  // namespace

core::Result<std::size_t> feed_inputs(
    Engine& engine, store::Store& live, const std::string& shop, const FeedOptions& options,
    const std::function<bool(const store::StoredInput&, const core::Error&)>& refused) {
  std::size_t fed = 0;
  bool stopped = false;
  auto feed = [&](const store::StoredInput& input) -> core::Status {
    if (stopped || (options.to && input.at >= *options.to)) return core::Ok{};
    ++fed;
    if (input.kind == store::InputKind::tick) {
      if (engine.in_batch()) FIDELIS_CHECK(engine.commit_batch());
      FIDELIS_TRY(const TickResult ticked,
                  engine.tick(shop, input.at, options.by_time ? 0 : input.program_version));
      (void)ticked;
      return core::Ok{};
    }
    if (!engine.in_batch()) FIDELIS_CHECK(engine.begin_batch());
    const auto applied = engine.apply_stored(shop, input, options.by_time);
    if (!applied.ok()) stopped = !refused(input, applied.error());
    if (engine.batch_events() >= kFeedBatchMax) FIDELIS_CHECK(engine.commit_batch());
    return core::Ok{};
  };
  FIDELIS_CHECK(store::for_each_input(live, shop, feed));
  if (engine.in_batch()) FIDELIS_CHECK(engine.commit_batch());
  return fed;
}

}  // namespace fidelis::engine
