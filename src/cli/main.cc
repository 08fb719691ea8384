// `fidelis`: the command-line front door. Parses the arguments and hands over to a subcommand.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
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
  analyze --orders FILE [--lines FILE] [--format generic|online-retail|cdnow|shopify]
          [--period month|quarter|year] [--customers OUT.csv]
                                             KPIs, cohorts, RFM, CLV straight from exports
  import --orders FILE … [--out EVENTS.jsonl]  shop exports as events (pipe into ingest -)
  recommend --orders FILE … (--sku SKU | --customer ID) [--min-support PCT] [--limit N]
                                             bought together (support, confidence, lift);
                                             replenishment due
  clv fit --summary F.csv --model M          fit bgnbd|pareto|mbgnbd|gammagamma|bgbb to a
                                             lifetimes-style summary (--json: parameters)
  clv predict --summary F --params FIT.json --t T
                                             expected purchases and P(alive) per customer
  clv value --summary F --params FIT.json --spend-params GG.json [--horizon-months 12]
            [--discount-monthly 0.01] [--unit days|weeks]
                                             discounted CLV per customer

Global options (before or after the command):
  --db PATH    SQLite database (default ./fidelis.db; created on first use)
  --shop ID    shop (default "default")
  --json       machine-readable output on stdout

Exit codes: 0 ok, 1 usage, 2 input rejected, 3 conflict, 4 not found, 10+ storage/internal.
See docs/reference/cli.md.
)";

// The analytics commands touch hundreds of MB of fresh memory, one 4 KiB page fault at a time.
// glibc backs large allocations with transparent huge pages when GLIBC_TUNABLES asks for it, but
// reads that only at process start: these commands re-execute themselves once with it set
// (measured: analyze on 1M lines 1.74 s -> 1.40 s, docs/performance.md). A tunable the user set
// is kept, and if the re-execution fails the command simply runs as it is.
void use_huge_pages_for(const std::string& command, char** argv) {
  if (command != "analyze" && command != "recommend" && command != "import") return;
  if (std::getenv("GLIBC_TUNABLES") != nullptr) return;
  if (setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 1) != 0) return;
  execv("/proc/self/exe", argv);
  unsetenv("GLIBC_TUNABLES");  // exec failed: carry on without
}

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
  use_huge_pages_for(command, argv);
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
  if (command == "clv") return run_clv(args);
  if (command == "analyze") return run_analyze(args);
  if (command == "recommend") return run_recommend(args);
  if (command == "import") return run_import(args);
  print_errors({fidelis::core::make_error(fidelis::core::ErrorCode::usage,
                                          "unknown command \"" + command + "\"")});
  std::fputs("run `fidelis --help` for usage\n", stderr);
  return kExitUsage;
}
