// Feeding a shop's stored input log to an engine on another store (replay --verify; a
// simulation uses its own Replayer, replayer.h). Ticks run as they were recorded; events are
// applied in batches.
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

// An event the engine refused, and the error; says whether to go on (the rest is then skipped).
using RefusedInput = std::function<bool(const store::StoredInput&, const core::Error&)>;

// Feeds inputs, in seq order, to one engine. Not thread-safe.
class InputFeeder {
 public:
  InputFeeder(Engine& engine, std::string shop, FeedOptions options, RefusedInput refused);

  core::Status feed(const store::StoredInput& input);
  // Commits what is left; returns how many inputs were fed.
  core::Result<std::size_t> finish();

 private:
  Engine& engine_;
  std::string shop_;
  FeedOptions options_;
  RefusedInput refused_;
  std::size_t fed_ = 0;
  bool stopped_ = false;
};

// Feeds all of `shop`'s inputs from `live` to `engine`; returns how many were fed.
core::Result<std::size_t> feed_inputs(Engine& engine, store::Store& live, const std::string& shop,
                                      const FeedOptions& options, const RefusedInput& refused);

}  // namespace fidelis::engine
