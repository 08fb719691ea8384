// `fidelis`: the command-line front door. Parses the arguments and hands over to a subcommand.
#include <cstdio>
#include <string>

#include "cli/commands.h"

namespace {

constexpr const char* kHelp = R"(usage: fidelis [--db PATH] [--shop ID] [--json] COMMAND ...

Commands:
  demo [--members N] [--seed S] [--days D]   generate a demo shop, ingest it, print a summary
  ingest FILE.jsonl|- [--batch N]            apply events, one JSON object per line
  tick --until TIME                          run timers (pending releases, expiry) up to TIME
  member show ID                             a member's balances
  member ledger ID [--after SEQ] [--limit N] a member's ledger lines, each with its reason
  program check FILE                         validate a program definition
  program activate FILE [--from TIME]        activate a program version for the shop
  program rules-page [FILE] [--lang en|fr] [--format md|html]
                                             the member-facing rules of FILE or of the
                                             version in force (--at TIME, default now)
  reward redeem MEMBER REWARD_ID             spend points on a reward; prints its code
  reward validate CODE                       is the code valid? for whom? what does it give?
  reward use CODE [--order ID]               the shop took the code (once)
  reward cancel CODE [--reason TEXT]         withdraw an unused code; its points come back
                                             (reward commands act now, or at --at TIME)
  simulate --program DRAFT [--from T] [--to T]
                                             the stored history under DRAFT beside the live
                                             program: points, liability, tiers, rewards
  leaderboard [--at TIME]                    the opt-in, pseudonymous leaderboard of the
                                             program's period containing TIME (default now)
  serve [--listen HOST:PORT] [--threads N]   the HTTP API (default 127.0.0.1:8080)
  shop create ID                             a shop for the HTTP API
  key create --scope admin|server|storefront an API key for --shop (printed once)
  key list | key revoke KEY_ID               the shop's keys; revoke one
  replay --verify                            rebuild state from the event log and compare

Global options (before or after the command):
  --db PATH    SQLite database (default ./fidelis.db; created on first use)
  --shop ID    shop (default "default")
  --json       machine-readable output on stdout

Exit codes: 0 ok, 1 usage, 2 input rejected, 3 conflict, 4 not found, 10+ storage/internal.
See docs/reference/cli.md.
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace fidelis::cli;
  auto parsed = parse_args(argc, argv);
  if (!parsed.ok()) {
    print_errors(parsed.errors());
    std::fputs("run `fidelis --help` for usage\n", stderr);
    return kExitUsage;
  }
  const Args& args = *parsed;
  if (args.flag("help") || args.words.empty()) {
    std::fputs(kHelp, args.words.empty() && !args.flag("help") ? stderr : stdout);
    return args.flag("help") ? kExitOk : kExitUsage;
  }
  const std::string& command = args.words.front();
  if (command == "ingest") return run_ingest(args);
  if (command == "tick") return run_tick(args);
  if (command == "member") return run_member(args);
  if (command == "program") return run_program(args);
  if (command == "replay") return run_replay(args);
  if (command == "demo") return run_demo(args);
  if (command == "reward") return run_reward(args);
  if (command == "simulate") return run_simulate(args);
  if (command == "leaderboard") return run_leaderboard(args);
  if (command == "shop") return run_shop(args);
  if (command == "key") return run_key(args);
  if (command == "serve") return run_serve(args);
  print_errors({fidelis::core::make_error(fidelis::core::ErrorCode::usage,
                                          "unknown command \"" + command + "\"")});
  std::fputs("run `fidelis --help` for usage\n", stderr);
  return kExitUsage;
}
