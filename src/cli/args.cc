// parse_args(): a small, strict parser. The grammar is pinned by CONTRACT.md; see
// docs/decisions/0005-cli.md for why this is not a library.
#include "cli/args.h"

#include <algorithm>
#include <array>

namespace fidelis::cli {
namespace {

constexpr std::array<std::string_view, 43> kValueOptions = {"web",
                                                            "db",
                                                            "shop",
                                                            "until",
                                                            "from",
                                                            "to",
                                                            "at",
                                                            "after",
                                                            "limit",
                                                            "batch",
                                                            "members",
                                                            "seed",
                                                            "days",
                                                            "sync",
                                                            "events",
                                                            "out",
                                                            "lang",
                                                            "format",
                                                            "order",
                                                            "reason",
                                                            "program",
                                                            "scope",
                                                            "listen",
                                                            "threads",
                                                            "rate",
                                                            "summary",
                                                            "model",
                                                            "params",
                                                            "spend-params",
                                                            "t",
                                                            "horizon-months",
                                                            "unit",
                                                            "discount-monthly",
                                                            "orders",
                                                            "lines",
                                                            "columns",
                                                            "currency",
                                                            "period",
                                                            "customers",
                                                            "html",
                                                            "sku",
                                                            "customer",
                                                            "min-support"};
constexpr std::array<std::string_view, 7> kFlags = {"json",  "verify", "help",    "keep",
                                                    "quiet", "strict", "no-serve"};

}  // namespace

bool Args::flag(std::string_view name) const {
  return std::find(flags.begin(), flags.end(), name) != flags.end();
}

std::optional<std::string> Args::option(std::string_view name) const {
  const auto it = options.find(std::string(name));
  if (it == options.end()) return std::nullopt;
  return it->second;
}

core::Result<Args> parse_args(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "-h") word = "--help";
    if (word.size() < 3 || word.compare(0, 2, "--") != 0) {
      if (word == "-") {
        args.words.push_back(word);
        continue;
      }
      if (!word.empty() && word[0] == '-') {
        return core::make_error(core::ErrorCode::usage, "unknown option " + word);
      }
      args.words.push_back(word);
      continue;
    }
    std::string name = word.substr(2);
    std::optional<std::string> value;
    if (const std::size_t equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    }
    if (std::find(kFlags.begin(), kFlags.end(), name) != kFlags.end()) {
      if (value) return core::make_error(core::ErrorCode::usage, "--" + name + " takes no value");
      args.flags.push_back(name);
      continue;
    }
    if (std::find(kValueOptions.begin(), kValueOptions.end(), name) == kValueOptions.end()) {
      return core::make_error(core::ErrorCode::usage, "unknown option --" + name);
    }
    if (!value) {
      if (i + 1 >= argc) {
        return core::make_error(core::ErrorCode::usage, "--" + name + " needs a value");
      }
      value = argv[++i];
    }
    args.options[name] = *value;
  }
  return args;
}

}  // namespace fidelis::cli
