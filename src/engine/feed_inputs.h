// Feeding a shop's stored input log to an engine on another store: what replay --verify and
// simulate share. Ticks run as they were recorded; events are applied in batches.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "engine/engine.h"

namespace fidelis::engine {

struct FeedOptions {
  // Events take the program version in force at their time (a simulated draft), not the one
  // they recorded; ticks then see every version.
  bool by_time = false;
  std::optional<core::Timestamp> to;  // inputs at or after it are left out
};

// Feeds `shop`'s inputs from `live` to `engine`, in seq order; returns how many were fed. An
// event the engine refuses goes to `refused`, which says whether to go on (the rest is then
// skipped, not fed).
core::Result<std::size_t> feed_inputs(
    Engine& engine, store::Store& live, const std::string& shop, const FeedOptions& options,
    const std::function<bool(const store::StoredInput&, const core::Error&)>& refused);

}  // namespace fidelis::engine
