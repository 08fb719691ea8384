// `fidelis leaderboard [--at TIME]`: the opt-in, pseudonymous leaderboard of the period that
// contains TIME (default now).
#include <cstdio>

#include "cli/commands.h"
#include "core/json_writer.h"
#include "engine/engine.h"

namespace fidelis::cli {

int run_leaderboard(const Args& args) {
  if (args.words.size() != 1) {
    print_errors({core::make_error(core::ErrorCode::usage,
                                   "usage: fidelis leaderboard [--at TIME] [--json]")});
    return kExitUsage;
  }
  const auto now = now_or_at(args);
  if (!now.ok()) {
    print_errors(now.errors());
    return exit_code_for(now.errors());
  }
  auto store = open_store(args);
  if (!store) return kExitStorage;
  engine::Engine engine(*store);
  auto board = engine.leaderboard(args.shop(), *now);
  if (!board.ok()) {
    print_errors(board.errors());
    return exit_code_for(board.errors());
  }
  if (args.json()) {
    core::JsonWriter out;
    out.begin_object().key("shop").value(args.shop());
    out.key("from").value(core::format_rfc3339(board->from));
    out.key("until").value(core::format_rfc3339(board->until));
    out.key("participants").value(board->participants);
    out.key("entries").begin_array();
    for (const auto& entry : board->entries) {
      out.begin_object().key("rank").value(entry.rank).key("pseudonym").value(entry.pseudonym);
      out.key("points").value(entry.points).end_object();
    }
    out.end_array().end_object();
    std::printf("%s\n", out.str().c_str());
    return kExitOk;
  }
  std::printf("leaderboard %s to %s, %lld members taking part\n",
              core::format_rfc3339(board->from).c_str(), core::format_rfc3339(board->until).c_str(),
              static_cast<long long>(board->participants));
  for (const auto& entry : board->entries) {
    std::printf("%4lld  %-16s %8lld points\n", static_cast<long long>(entry.rank),
                entry.pseudonym.c_str(), static_cast<long long>(entry.points));
  }
  return kExitOk;
}

}  // namespace fidelis::cli
