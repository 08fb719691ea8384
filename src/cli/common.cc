// Helpers shared by the subcommands: error printing, exit codes, opening the store, reading files.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "store/sqlite/sqlite_store.h"

namespace fidelis::cli {

void print_errors(const core::Errors& errors, std::string_view prefix) {
  for (const auto& error : errors) {
    std::string line = "fidelis: ";
    if (!prefix.empty()) line += std::string(prefix) + ": ";
    if (!error.where.empty()) line += error.where + ": ";
    line += error.message;
    line += " (";
    line += core::error_code_name(error.code);
    line += ")\n";
    std::fputs(line.c_str(), stderr);
  }
}

int exit_code_for(const core::Errors& errors) {
  using core::ErrorCode;
  switch (errors.front().code) {
    case ErrorCode::usage:
      return kExitUsage;
    case ErrorCode::event_id_reused_with_other_body:
    case ErrorCode::shop_exists:
      return kExitConflict;
    case ErrorCode::shop_not_found:
    case ErrorCode::key_not_found:
    case ErrorCode::member_not_found:
    case ErrorCode::reward_not_found:
    case ErrorCode::code_not_found:
      return kExitNotFound;
    case ErrorCode::storage_error:
    case ErrorCode::io_error:
      return kExitStorage;
    default:
      return kExitRejected;
  }
}

std::unique_ptr<store::Store> open_store(const Args& args) {
  auto store = store::open_sqlite(args.db());
  if (!store.ok()) {
    print_errors(store.errors());
    return nullptr;
  }
  return std::move(store).value();
}

core::Result<std::string> read_file(const std::string& path) {
  std::ostringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return core::make_error(core::ErrorCode::io_error, "cannot read " + path, path);
  text << file.rdbuf();
  return text.str();
}

core::Result<std::vector<std::string>> shops_to_visit(const Args& args, store::Store& store) {
  if (args.option("shop")) return std::vector<std::string>{args.shop()};
  return store.shops();
}

core::Result<core::Timestamp> now_or_at(const Args& args) {
  if (const auto at = args.option("at")) {
    auto parsed = core::parse_rfc3339(*at);
    if (!parsed.ok())
      return core::make_error(core::ErrorCode::usage, "--at: " + parsed.error().message);
    return *parsed;
  }
  return core::wall_clock();
}

}  // namespace fidelis::cli
