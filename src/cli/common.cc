// Helpers shared by the subcommands: error printing, exit codes, opening the store, reading files.
#include <charconv>
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

int usage_error(const std::string& why, const char* usage_text) {
  print_errors({core::make_error(core::ErrorCode::usage, why)});
  std::fprintf(stderr, "%s\n", usage_text);
  return kExitUsage;
}

int report_errors(const core::Errors& errors) {
  print_errors(errors);
  return exit_code_for(errors);
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

core::Result<double> number_option(const Args& args, std::string_view name, double fallback,
                                   double min, double max) {
  const auto text = args.option(name);
  if (!text) return fallback;
  double value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() ||
      !(value >= min && value <= max)) {
    std::ostringstream range;
    range << "--" << name << " must be a number from " << min << " to " << max << ", not \""
          << *text << "\"";
    return core::make_error(core::ErrorCode::usage, range.str());
  }
  return value;
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
