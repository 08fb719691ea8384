// The subcommands of `fidelis`. Each returns the process exit code (CONTRACT.md): 0 success,
// 1 usage, 2 input rejected, 3 conflict, 4 not found, 10+ internal or storage error.
#pragma once

#include <functional>
#include <memory>

#include "api/http/server.h"
#include "cli/args.h"
#include "store/store.h"

namespace fidelis::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitRejected = 2;
inline constexpr int kExitConflict = 3;
inline constexpr int kExitNotFound = 4;
inline constexpr int kExitStorage = 10;

// Prints errors on stderr, one per line: "fidelis: WHERE: MESSAGE (code)".
void print_errors(const core::Errors& errors, std::string_view prefix = {});
// Prints the usage error `why`, then the command's usage text; returns kExitUsage.
int usage_error(const std::string& why, const char* usage_text);
// Prints the errors; returns the exit code that fits them.
int report_errors(const core::Errors& errors);
// The exit code that fits an error code.
int exit_code_for(const core::Errors& errors);
// Opens the --db store, printing the error and returning nothing on failure.
std::unique_ptr<store::Store> open_store(const Args& args);
// Reads a whole file, or stdin for "-".
core::Result<std::string> read_file(const std::string& path);
// The shops a command acts on: --shop when given, else every shop in the database.
core::Result<std::vector<std::string>> shops_to_visit(const Args& args, store::Store& store);
// --NAME as a number in [min, max] (the whole text must be one), or `fallback` when absent.
// Error: usage, naming the option and its range.
core::Result<double> number_option(const Args& args, std::string_view name, double fallback,
                                   double min, double max);
// --at TIME, or the wall clock.
core::Result<core::Timestamp> now_or_at(const Args& args);

// A new API key of `scope` for `shop`, stored by its SHA-256; returns the key itself (shown
// once). Error: what the store says.
core::Result<std::string> create_api_key(store::Store& store, const std::string& shop,
                                         const std::string& scope, std::optional<std::int64_t> rate,
                                         core::Timestamp now, std::string* id = nullptr);

// What `fidelis serve` and `fidelis demo` serve with: --listen, --threads, --quiet, --web.
struct ServeOptions {
  http::ServerOptions http;
  std::string web_root;  // empty: the API only
  // GET requests answered before the server reports ready, with this key, so that the
  // dashboard's whole-shop answers are in the worker's cache for the first visitor.
  std::vector<std::string> warm_paths;
  std::string warm_key;
};
core::Result<ServeOptions> serve_options(const Args& args);
// Serves the API (and the front end) on `db` until SIGTERM or SIGINT; calls `on_ready` with
// "http://HOST:PORT" once it listens. Returns the exit code.
int serve_until_signal(const std::string& db, const ServeOptions& serve,
                       const std::function<void(const std::string& base_url)>& on_ready);

int run_ingest(const Args& args);
int run_tick(const Args& args);
int run_member(const Args& args);
int run_program(const Args& args);
int run_replay(const Args& args);
int run_demo(const Args& args);
int run_reward(const Args& args);
int run_simulate(const Args& args);
int run_leaderboard(const Args& args);
int run_shop(const Args& args);
int run_key(const Args& args);
int run_serve(const Args& args);
int run_clv(const Args& args);
int run_analyze(const Args& args);
int run_recommend(const Args& args);
int run_import(const Args& args);

}  // namespace fidelis::cli
